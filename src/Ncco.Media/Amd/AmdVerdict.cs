namespace Ncco.Media.Amd;

/// <summary>Answering-machine detection outcome.</summary>
public enum AmdVerdict
{
    /// <summary>Still listening.</summary>
    Undecided,
    /// <summary>A person answered.</summary>
    Human,
    /// <summary>A machine or voicemail answered.</summary>
    Machine,
}
