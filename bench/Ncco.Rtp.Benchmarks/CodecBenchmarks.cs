using BenchmarkDotNet.Attributes;
using Ncco.Rtp.Codecs;

namespace Ncco.Rtp.Benchmarks;

/// <summary>
/// Encode and decode of one 20 ms frame per codec (G.711: 160 samples, G.722 and Opus: 320 samples at 16 kHz; Opus at
/// our settings: 24 kbit/s VBR, complexity 5, FEC). A call-second is 50 of each.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private IAudioCodec _codec = null!;
    private short[] _pcm = null!;
    private readonly byte[] _encoded = new byte[400];
    private int _encodedLength;
    private short[] _decoded = null!;

    [Params("PCMU", "PCMA", "G722", "opus")]
    public string Codec { get; set; } = "PCMU";

    [GlobalSetup]
    public void Setup()
    {
        _codec = AudioCodecs.Create(Codec)!;
        _pcm = new short[_codec.SamplesPerFrame];
        for (var i = 0; i < _pcm.Length; i++)
        {
            _pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / _codec.SampleRate));
        }
        _decoded = new short[_codec.MaxSamplesFor(_encoded.Length)];
        for (var i = 0; i < 10; i++)
        {
            _encodedLength = _codec.Encode(_pcm, _encoded); // Opus: past its start-up, as mid-call
        }
    }

    [Benchmark(Description = "encode 20 ms")]
    public int Encode() => _codec.Encode(_pcm, _encoded);

    [Benchmark(Description = "decode 20 ms")]
    public int Decode() => _codec.Decode(_encoded.AsSpan(0, _encodedLength), _decoded);
}
