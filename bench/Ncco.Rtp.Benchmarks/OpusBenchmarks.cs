using BenchmarkDotNet.Attributes;
using Concentus.Enums;
using Concentus.Structs;
using Ncco.Rtp.Codecs;

namespace Ncco.Rtp.Benchmarks;

/// <summary>
/// What a softphone's Opus costs us beyond <see cref="CodecBenchmarks"/>: decoding a 48 kHz peer's 20 ms packet (hybrid
/// or CELT, decoded at 48 kHz and resampled to 16 kHz), rebuilding a lost packet from the next one's FEC, and
/// concealing one without. A speech-like signal keeps the encoder out of its cheap paths.
/// </summary>
[MemoryDiagnoser]
public class OpusBenchmarks
{
    private readonly OpusCodec _codec = new(parameters: OpusParameters.Parse("useinbandfec=1"));
    private readonly short[] _decoded = new short[OpusCodec.MaxPacketSamples + 2];
    private byte[] _peerPacket = [];
    private byte[] _ourPacket = [];
    private readonly short[] _speech = new short[320];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        for (var i = 0; i < _speech.Length; i++)
        {
            _speech[i] = (short)((5000 * Math.Sin(2 * Math.PI * 180 * i / 16000.0)) + (2500 * Math.Sin(2 * Math.PI * 720 * i / 16000.0)) + (800 * (random.NextDouble() - 0.5)));
        }
#pragma warning disable CS0618
        var peer = new OpusEncoder(48000, 1, OpusApplication.OPUS_APPLICATION_VOIP) { Bitrate = 32000 };
#pragma warning restore CS0618
        var pcm48 = new short[960];
        var buffer = new byte[1500];
        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < pcm48.Length; i++)
            {
                pcm48[i] = (short)(6000 * Math.Sin(2 * Math.PI * 440 * ((round * 960) + i) / 48000.0));
            }
            _peerPacket = buffer[..peer.Encode(pcm48, 960, buffer, buffer.Length)];
            _ourPacket = buffer[.._codec.Encode(_speech, buffer)];
        }
    }

    [Benchmark(Description = "encode 20 ms speech-like")]
    public int EncodeSpeech() => _codec.Encode(_speech, _scratch);

    private readonly byte[] _scratch = new byte[1500];

    [Benchmark(Description = "decode a 48 kHz peer's 20 ms packet")]
    public int DecodePeer() => _codec.Decode(_peerPacket, _decoded);

    [Benchmark(Description = "rebuild a lost 20 ms from the next packet's FEC")]
    public bool ConcealWithFec() => _codec.Conceal(_ourPacket, _decoded);

    [Benchmark(Description = "conceal a lost 20 ms (PLC)")]
    public bool ConcealPlc() => _codec.Conceal(default, _decoded);
}
