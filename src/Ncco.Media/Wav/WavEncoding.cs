namespace Ncco.Media.Wav;

/// <summary>Sample encodings our own WAV reader understands (the writer always writes <see cref="Pcm16"/>).</summary>
public enum WavEncoding
{
    /// <summary>Unsigned 8-bit PCM.</summary>
    Pcm8,
    /// <summary>Signed 16-bit little-endian PCM.</summary>
    Pcm16,
    /// <summary>Signed 24-bit little-endian PCM.</summary>
    Pcm24,
    /// <summary>Signed 32-bit little-endian PCM.</summary>
    Pcm32,
    /// <summary>32-bit IEEE float.</summary>
    Float32,
    /// <summary>G.711 A-law.</summary>
    ALaw,
    /// <summary>G.711 µ-law.</summary>
    MuLaw,
}
