using System.Buffers;
using System.Buffers.Binary;

namespace Ncco.Media.Wav;

/// <summary>
/// Streaming 16-bit PCM WAV writer. The header is written first with size fields that readers treat as "to end of
/// file", and rewritten with the real sizes on every <see cref="Flush"/> and on <see cref="Dispose"/>; so a file cut
/// short by a crash stays readable by <see cref="WavReader"/> (and by tools such as sox).
/// </summary>
public sealed class WavWriter : IDisposable
{
    private const int HeaderSize = 44;
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private long _dataBytes;
    private bool _disposed;

    /// <summary>Starts a WAV stream; writes the provisional header immediately.</summary>
    public WavWriter(Stream stream, int sampleRate, int channels = 1, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("stream must be writable", nameof(stream));
        }
        new Pcm.PcmFormat(sampleRate, channels).Validate();
        _stream = stream;
        _leaveOpen = leaveOpen;
        SampleRate = sampleRate;
        Channels = channels;
        Span<byte> header = stackalloc byte[HeaderSize];
        BuildHeader(header, sampleRate, channels, 0);
        _stream.Write(header);
    }

    /// <summary>Creates (truncates) a file and starts writing.</summary>
    public static WavWriter Create(string path, int sampleRate, int channels = 1) =>
        new(new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 64 * 1024), sampleRate, channels);

    /// <summary>Writes a whole buffer to a file.</summary>
    public static void WriteAll(string path, ReadOnlySpan<short> samples, int sampleRate, int channels = 1)
    {
        using var w = Create(path, sampleRate, channels);
        w.Write(samples);
    }

    /// <summary>Sample rate in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Interleaved channel count.</summary>
    public int Channels { get; }

    /// <summary>Interleaved samples written so far.</summary>
    public long SamplesWritten => _dataBytes / 2;

    /// <summary>Appends interleaved samples.</summary>
    public void Write(ReadOnlySpan<short> samples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var bytes = samples.Length * 2;
        if (bytes <= 2048)
        {
            Span<byte> tmp = stackalloc byte[bytes];
            Pcm.Pcm16.ToLittleEndianBytes(samples, tmp);
            _stream.Write(tmp);
        }
        else
        {
            var rented = ArrayPool<byte>.Shared.Rent(bytes);
            try
            {
                Pcm.Pcm16.ToLittleEndianBytes(samples, rented);
                _stream.Write(rented, 0, bytes);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        _dataBytes += bytes;
    }

    /// <summary>
    /// Rewrites the header with the current sizes and flushes; with <paramref name="toDisk"/> also fsyncs a file.
    /// </summary>
    public void Flush(bool toDisk = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stream.CanSeek)
        {
            var end = _stream.Position;
            Span<byte> header = stackalloc byte[HeaderSize];
            BuildHeader(header, SampleRate, Channels, _dataBytes);
            _stream.Position = 0;
            _stream.Write(header);
            _stream.Position = end;
        }
        if (toDisk && _stream is FileStream fs)
        {
            fs.Flush(flushToDisk: true);
        }
        else
        {
            _stream.Flush();
        }
    }

    /// <summary>Finalises the header and closes the stream (unless left open).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        Flush();
        _disposed = true;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private static void BuildHeader(Span<byte> h, int rate, int channels, long dataBytes)
    {
        // Size 0 means "unknown" to WavReader (read to end of file) while the file is being written.
        var data = (uint)Math.Min(dataBytes, uint.MaxValue - 36);
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], data == 0 ? 0 : data + 36);
        "WAVE"u8.CopyTo(h[8..]);
        "fmt "u8.CopyTo(h[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)(rate * channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], (ushort)(channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], data);
    }
}
