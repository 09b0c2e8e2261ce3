using Ncco.Media.Native;

namespace Ncco.Media.SoundFile;

/// <summary>Encodes interleaved 16-bit PCM to a file through libsndfile. Not thread-safe.</summary>
public sealed class SoundFileWriter : IDisposable
{
    private const int FormatWav = 0x010000;
    private const int FormatFlac = 0x170000;
    private const int FormatOgg = 0x200000;
    private const int FormatMpeg = 0x230000;
    private const int Pcm16 = 0x0002;
    private const int Pcm24 = 0x0003;
    private const int Float = 0x0006;
    private const int Ulaw = 0x0010;
    private const int Alaw = 0x0011;
    private const int Vorbis = 0x0060;
    private const int Opus = 0x0064;
    private const int Layer3 = 0x0082;

    private nint _handle;

    private SoundFileWriter(nint handle, string path, int rate, int channels)
    {
        _handle = handle;
        Path = path;
        SampleRate = rate;
        Channels = channels;
    }

    /// <summary>File path.</summary>
    public string Path { get; }

    /// <summary>Sample rate.</summary>
    public int SampleRate { get; }

    /// <summary>Channels.</summary>
    public int Channels { get; }

    /// <summary>Creates (truncates) a file.</summary>
    /// <exception cref="NativeEngineMissingException">libsndfile1 is not installed.</exception>
    /// <exception cref="IOException">The format/rate combination is not supported or the file cannot be created.</exception>
    public static unsafe SoundFileWriter Create(string path, SoundFileFormat format, int sampleRate, int channels = 1, SoundFileWriteOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        new Pcm.PcmFormat(sampleRate, channels).Validate();
        NativeEngines.SoundFile.EnsureAvailable();
        var info = new SoundFileNative.Info { SampleRate = sampleRate, Channels = channels, Format = Code(format) };
        if (SoundFileNative.FormatCheck(ref info) == 0)
        {
            throw new IOException($"libsndfile cannot write {format} at {sampleRate} Hz with {channels} channel(s)");
        }
        var handle = SoundFileNative.Open(path, SoundFileNative.ModeWrite, ref info);
        if (handle == 0)
        {
            throw new IOException($"cannot create '{path}' as {format}: {SoundFileNative.Error(0)}");
        }
        if (options is not null)
        {
            if (options.ConstantBitrate)
            {
                var mode = SoundFileNative.BitrateModeConstant;
                SoundFileNative.Command(handle, SoundFileNative.CommandSetBitrateMode, &mode, sizeof(int));
            }
            if (options.CompressionLevel is { } level)
            {
                SoundFileNative.Command(handle, SoundFileNative.CommandSetCompressionLevel, &level, sizeof(double));
            }
        }
        return new SoundFileWriter(handle, path, sampleRate, channels);
    }

    /// <summary>Writes a whole buffer to a file.</summary>
    public static void WriteAll(string path, SoundFileFormat format, ReadOnlySpan<short> interleaved, int sampleRate, int channels = 1, SoundFileWriteOptions? options = null)
    {
        using var w = Create(path, format, sampleRate, channels, options);
        w.Write(interleaved);
    }

    /// <summary>Appends interleaved samples (a whole number of frames).</summary>
    public unsafe void Write(ReadOnlySpan<short> interleaved)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        var frames = interleaved.Length / Channels;
        fixed (short* p = interleaved)
        {
            if (SoundFileNative.WriteFramesShort(_handle, p, frames) != frames)
            {
                throw new IOException($"error writing '{Path}': {SoundFileNative.Error(_handle)}");
            }
        }
    }

    /// <summary>Closes the file (encoders flush their last frames here).</summary>
    public void Dispose()
    {
        if (_handle != 0)
        {
            SoundFileNative.Close(_handle);
            _handle = 0;
        }
    }

    internal static int Code(SoundFileFormat format) => format switch
    {
        SoundFileFormat.Wav => FormatWav | Pcm16,
        SoundFileFormat.Wav24 => FormatWav | Pcm24,
        SoundFileFormat.WavFloat => FormatWav | Float,
        SoundFileFormat.WavMuLaw => FormatWav | Ulaw,
        SoundFileFormat.WavALaw => FormatWav | Alaw,
        SoundFileFormat.Mp3 => FormatMpeg | Layer3,
        SoundFileFormat.OggVorbis => FormatOgg | Vorbis,
        SoundFileFormat.OggOpus => FormatOgg | Opus,
        SoundFileFormat.Flac => FormatFlac | Pcm16,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown format"),
    };
}
