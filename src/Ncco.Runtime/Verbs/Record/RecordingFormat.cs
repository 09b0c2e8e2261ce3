namespace Ncco.Model;

/// <summary>Recording file format (<c>format</c>).</summary>
public enum RecordingFormat
{
    /// <summary>MP3, 16 kHz, CBR 32 kbit/s. The default up to two channels.</summary>
    Mp3,

    /// <summary>16-bit PCM WAV at 16 kHz. The default above two channels.</summary>
    Wav,

    /// <summary>Ogg container.</summary>
    Ogg,
}
