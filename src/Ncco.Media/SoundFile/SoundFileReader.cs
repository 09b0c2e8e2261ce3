using Ncco.Media.Native;
using Ncco.Media.Wav;

namespace Ncco.Media.SoundFile;

/// <summary>
/// Decodes any format libsndfile reads (WAV variants, MP3, Ogg Vorbis/Opus, FLAC, AIFF, …) to interleaved 16-bit PCM,
/// streaming in blocks so memory stays bounded for long files. Not thread-safe.
/// </summary>
public sealed class SoundFileReader : IDisposable
{
    private nint _handle;

    private SoundFileReader(nint handle, SoundFileNative.Info info, string path)
    {
        _handle = handle;
        SampleRate = info.SampleRate;
        Channels = info.Channels;
        Frames = info.Frames;
        Path = path;
    }

    /// <summary>File path.</summary>
    public string Path { get; }

    /// <summary>Sample rate of the file.</summary>
    public int SampleRate { get; }

    /// <summary>Channels of the file.</summary>
    public int Channels { get; }

    /// <summary>Frames (samples per channel) libsndfile reports; may be an estimate for MP3.</summary>
    public long Frames { get; }

    /// <summary>Opens a file for decoding.</summary>
    /// <exception cref="NativeEngineMissingException">libsndfile1 is not installed.</exception>
    /// <exception cref="InvalidAudioException">The file is missing or cannot be decoded.</exception>
    public static SoundFileReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NativeEngines.SoundFile.EnsureAvailable();
        if (!File.Exists(path))
        {
            throw new InvalidAudioException($"cannot decode '{path}': file not found");
        }
        var info = default(SoundFileNative.Info);
        var handle = SoundFileNative.Open(path, SoundFileNative.ModeRead, ref info);
        if (handle == 0)
        {
            throw new InvalidAudioException($"cannot decode '{path}': {SoundFileNative.Error(0)}");
        }
        if (info.Channels is < 1 or > 32 || info.SampleRate <= 0)
        {
            SoundFileNative.Close(handle);
            throw new InvalidAudioException($"cannot decode '{path}': {info.Channels} channels at {info.SampleRate} Hz is not supported");
        }
        return new SoundFileReader(handle, info, path);
    }

    /// <summary>Reads a whole file (convenience; allocates). Returns interleaved samples.</summary>
    public static (int SampleRate, int Channels, short[] Samples) ReadAll(string path)
    {
        using var r = Open(path);
        var list = new List<short>(checked((int)Math.Min(Math.Max(r.Frames, 0) * r.Channels, 1 << 26)));
        var buf = new short[4096 * r.Channels];
        int n;
        while ((n = r.Read(buf)) > 0)
        {
            list.AddRange(buf.AsSpan(0, n));
        }
        return (r.SampleRate, r.Channels, [.. list]);
    }

    /// <summary>Reads up to <c>destination.Length / Channels</c> frames; returns interleaved samples written (0 at end).</summary>
    public unsafe int Read(Span<short> destination)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        var frames = destination.Length / Channels;
        if (frames == 0)
        {
            return 0;
        }
        fixed (short* p = destination)
        {
            var got = SoundFileNative.ReadFramesShort(_handle, p, frames);
            return got < 0 ? throw new InvalidAudioException($"error decoding '{Path}': {SoundFileNative.Error(_handle)}") : (int)got * Channels;
        }
    }

    /// <summary>Seeks back to the first frame (for looping). Returns false when the file cannot seek.</summary>
    public bool Rewind()
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        return SoundFileNative.Seek(_handle, 0, 0) == 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_handle != 0)
        {
            SoundFileNative.Close(_handle);
            _handle = 0;
        }
    }
}
