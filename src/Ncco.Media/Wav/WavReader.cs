using System.Buffers;
using System.Buffers.Binary;
using Ncco.Media.G711;

namespace Ncco.Media.Wav;

/// <summary>
/// Streaming RIFF/WAVE reader (PCM 8/16/24/32, float32, A-law, µ-law, WAVE_FORMAT_EXTENSIBLE). Converts to 16-bit PCM,
/// keeping interleaved channels. Tolerates files whose header sizes were never finalised (crash during recording):
/// the data chunk is taken to run to the end of the file.
/// </summary>
public sealed class WavReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private long _remaining;
    private byte[] _buffer = [];

    /// <summary>Parses the header of a seekable or forward-only stream.</summary>
    /// <exception cref="InvalidAudioException">Not a WAV file or an unsupported encoding.</exception>
    public WavReader(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        Info = ReadHeader(stream);
        _remaining = Info.DataLength;
    }

    /// <summary>The parsed header.</summary>
    public WavInfo Info { get; }

    /// <summary>Opens a file.</summary>
    public static WavReader Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024));

    /// <summary>Reads a whole file as 16-bit PCM (interleaved when multi-channel).</summary>
    public static (WavInfo Info, short[] Samples) ReadAll(string path)
    {
        using var reader = Open(path);
        return (reader.Info, reader.ReadToEnd());
    }

    /// <summary>Reads a whole stream as 16-bit PCM.</summary>
    public static (WavInfo Info, short[] Samples) ReadAll(Stream stream)
    {
        using var reader = new WavReader(stream, leaveOpen: true);
        return (reader.Info, reader.ReadToEnd());
    }

    /// <summary>Reads up to <c>destination.Length</c> interleaved samples; returns 0 at the end.</summary>
    public int Read(Span<short> destination)
    {
        var bps = Info.BytesPerSample;
        var want = (int)Math.Min(destination.Length, _remaining / bps);
        if (want <= 0)
        {
            return 0;
        }
        var bytes = want * bps;
        if (_buffer.Length < bytes)
        {
            _buffer = new byte[Math.Max(bytes, 4096)];
        }
        var got = 0;
        while (got < bytes)
        {
            var n = _stream.Read(_buffer, got, bytes - got);
            if (n == 0)
            {
                break;
            }
            got += n;
        }
        var samples = got / bps;
        _remaining -= samples * bps;
        if (got < bytes)
        {
            _remaining = 0;
        }
        Convert(_buffer.AsSpan(0, samples * bps), destination[..samples]);
        return samples;
    }

    /// <summary>Reads everything left.</summary>
    public short[] ReadToEnd()
    {
        var list = new List<short>((int)Math.Min(_remaining / Info.BytesPerSample, 1 << 24));
        var chunk = ArrayPool<short>.Shared.Rent(8192);
        try
        {
            int n;
            while ((n = Read(chunk)) > 0)
            {
                list.AddRange(chunk.AsSpan(0, n));
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(chunk);
        }
        return [.. list];
    }

    private void Convert(ReadOnlySpan<byte> src, Span<short> dst)
    {
        switch (Info.Encoding)
        {
            case WavEncoding.Pcm16:
                Pcm.Pcm16.FromLittleEndianBytes(src, dst);
                break;
            case WavEncoding.Pcm8:
                for (var i = 0; i < dst.Length; i++)
                {
                    dst[i] = (short)((src[i] - 128) << 8);
                }
                break;
            case WavEncoding.Pcm24:
                for (var i = 0; i < dst.Length; i++)
                {
                    dst[i] = (short)(src[(i * 3) + 1] | (src[(i * 3) + 2] << 8));
                }
                break;
            case WavEncoding.Pcm32:
                for (var i = 0; i < dst.Length; i++)
                {
                    dst[i] = (short)(BinaryPrimitives.ReadInt32LittleEndian(src[(i * 4)..]) >> 16);
                }
                break;
            case WavEncoding.Float32:
                for (var i = 0; i < dst.Length; i++)
                {
                    dst[i] = Pcm.Pcm16.Saturate(BinaryPrimitives.ReadSingleLittleEndian(src[(i * 4)..]) * 32767f);
                }
                break;
            case WavEncoding.ALaw:
                ALaw.Decode(src, dst);
                break;
            case WavEncoding.MuLaw:
                MuLaw.Decode(src, dst);
                break;
        }
    }

    private static WavInfo ReadHeader(Stream stream)
    {
        Span<byte> head = stackalloc byte[12];
        if (!ReadExactly(stream, head) || !head[..4].SequenceEqual("RIFF"u8) || !head[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidAudioException("not a WAV file: missing RIFF/WAVE header");
        }
        long position = 12;
        int rate = 0, channels = 0;
        WavEncoding? encoding = null;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (ReadExactly(stream, chunkHeader))
        {
            position += 8;
            var id = chunkHeader[..4];
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > 1024)
                {
                    throw new InvalidAudioException($"WAV fmt chunk has an invalid size {size}");
                }
                var fmt = new byte[size];
                if (!ReadExactly(stream, fmt))
                {
                    throw new InvalidAudioException("WAV fmt chunk is truncated");
                }
                position += size;
                if ((size & 1) == 1)
                {
                    SkipBytes(stream, 1);
                    position++;
                }
                int tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(2));
                rate = BinaryPrimitives.ReadInt32LittleEndian(fmt.AsSpan(4));
                int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(14));
                if (tag == 0xFFFE && size >= 40)
                {
                    tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(24)); // sub-format GUID starts with the tag
                }
                encoding = (tag, bits) switch
                {
                    (1, 8) => WavEncoding.Pcm8,
                    (1, 16) => WavEncoding.Pcm16,
                    (1, 24) => WavEncoding.Pcm24,
                    (1, 32) => WavEncoding.Pcm32,
                    (3, 32) => WavEncoding.Float32,
                    (6, 8) => WavEncoding.ALaw,
                    (7, 8) => WavEncoding.MuLaw,
                    _ => throw new InvalidAudioException($"unsupported WAV encoding: format tag {tag}, {bits} bits (use SoundFile for other variants)"),
                };
                if (channels is < 1 or > 32 || rate is < 1000 or > 384000)
                {
                    throw new InvalidAudioException($"WAV header has implausible values: {channels} channels, {rate} Hz");
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (encoding is null)
                {
                    throw new InvalidAudioException("WAV data chunk before fmt chunk");
                }
                var available = stream.CanSeek ? stream.Length - position : long.MaxValue;
                var truncated = size == 0 || size == uint.MaxValue || size > available;
                long length = truncated ? available : size;
                if (truncated && !stream.CanSeek)
                {
                    length = long.MaxValue;
                }
                var info = new WavInfo(rate, channels, encoding.Value, position, length, truncated && size != uint.MaxValue);
                var frame = info.BytesPerSample * channels;
                if (length != long.MaxValue)
                {
                    info = info with { DataLength = length - (length % frame) };
                }
                return info;
            }
            else
            {
                var skip = size + (size & 1);
                SkipBytes(stream, skip);
                position += skip;
            }
        }
        throw new InvalidAudioException(encoding is null ? "WAV file has no fmt chunk" : "WAV file has no data chunk");
    }

    private static void SkipBytes(Stream stream, long count)
    {
        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current);
            return;
        }
        Span<byte> scratch = stackalloc byte[256];
        while (count > 0)
        {
            var n = stream.Read(scratch[..(int)Math.Min(count, scratch.Length)]);
            if (n == 0)
            {
                return;
            }
            count -= n;
        }
    }

    private static bool ReadExactly(Stream stream, Span<byte> buffer)
    {
        var got = 0;
        while (got < buffer.Length)
        {
            var n = stream.Read(buffer[got..]);
            if (n == 0)
            {
                return false;
            }
            got += n;
        }
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
