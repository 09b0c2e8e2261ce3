namespace Ncco.Model;

/// <summary>What an <c>input</c> action listens for (<c>type</c>).</summary>
[Flags]
public enum InputTypes
{
    /// <summary>Nothing; never valid on the wire.</summary>
    None = 0,

    /// <summary>Key presses (<c>"dtmf"</c>).</summary>
    Dtmf = 1,

    /// <summary>Speech recognition (<c>"speech"</c>).</summary>
    Speech = 2,
}
