namespace Ncco.Media.Recording;

/// <summary>NCCO <c>record.format</c>.</summary>
public enum RecordingFormat
{
    /// <summary>MP3, 16 kHz, CBR 32 kbit/s (mono or stereo only).</summary>
    Mp3,
    /// <summary>WAV, 16-bit, 16 kHz (any channel count up to 32).</summary>
    Wav,
    /// <summary>Ogg Vorbis, 16 kHz.</summary>
    Ogg,
}
