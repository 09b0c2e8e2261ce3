namespace Ncco.Media.SoundFile;

/// <summary>Container/codec combinations written through libsndfile.</summary>
public enum SoundFileFormat
{
    /// <summary>WAV, 16-bit PCM.</summary>
    Wav,
    /// <summary>WAV, 24-bit PCM.</summary>
    Wav24,
    /// <summary>WAV, 32-bit float.</summary>
    WavFloat,
    /// <summary>WAV, G.711 µ-law.</summary>
    WavMuLaw,
    /// <summary>WAV, G.711 A-law.</summary>
    WavALaw,
    /// <summary>MPEG-1/2 Layer III.</summary>
    Mp3,
    /// <summary>Ogg Vorbis.</summary>
    OggVorbis,
    /// <summary>Ogg Opus (8, 12, 16, 24 or 48 kHz).</summary>
    OggOpus,
    /// <summary>FLAC, 16-bit.</summary>
    Flac,
}
