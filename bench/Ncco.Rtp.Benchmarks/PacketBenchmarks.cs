using BenchmarkDotNet.Attributes;
using Ncco.Rtp.Packets;
using Ncco.Rtp.Rtcp;

namespace Ncco.Rtp.Benchmarks;

/// <summary>RTP/RTCP packet parsing and writing for a 20 ms G.711 packet (172 bytes).</summary>
[MemoryDiagnoser]
public class PacketBenchmarks
{
    private readonly byte[] _packet = new byte[RtpPacket.MaxDatagramSize];
    private readonly byte[] _payload = new byte[160];
    private readonly byte[] _rtcp = new byte[RtpPacket.MaxDatagramSize];
    private int _length;
    private int _rtcpLength;
    private ushort _sequence;

    [GlobalSetup]
    public void Setup()
    {
        _length = RtpPacket.Write(_packet, false, 0, 1234, 160000, 0xCAFE, _payload);
        _rtcpLength = RtcpCompound.WriteSenderReport(_rtcp, 1, new SenderInfo(1, 2, 3, 4), [new ReportBlock(2, 0, 0, 100, 5, 0, 0)]);
        _rtcpLength += RtcpCompound.WriteSdesCname(_rtcp.AsSpan(_rtcpLength), 1, "ncco-abcdef");
    }

    [Benchmark(Description = "RTP parse (172 B)")]
    public int Parse()
    {
        RtpPacket.TryParse(_packet.AsSpan(0, _length), out var header);
        return header.PayloadLength;
    }

    [Benchmark(Description = "RTP write (172 B)")]
    public int Write() => RtpPacket.Write(_packet, false, 0, _sequence++, 160000, 0xCAFE, _payload);

    [Benchmark(Description = "RTCP SR+SDES parse")]
    public int ParseRtcp()
    {
        RtcpCompound.TryParse(_rtcp.AsSpan(0, _rtcpLength), out var packets);
        return packets.Count;
    }
}
