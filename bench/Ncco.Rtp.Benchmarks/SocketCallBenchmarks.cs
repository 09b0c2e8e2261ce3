using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Sessions;

namespace Ncco.Rtp.Benchmarks;

/// <summary>
/// A leg's socket work per 20 ms tick, Socket methods (baseline) against libc's calls
/// (<see cref="RtpSessionOptions.DirectSocketCalls"/>): sending one G.711 packet to a loopback peer, and a
/// <see cref="RtpSessionOptions.ReceiveOnRead"/> read that finds the socket empty (the usual case between a peer's
/// packets) or one packet waiting. The peer never reads: once its buffer is full the kernel drops at its queue, so the
/// figures are the sender's own cost, without waking a reader (which loopback would charge to the sender).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SocketCallBenchmarks
{
    private readonly short[] _frame = new short[160];
    private readonly byte[] _packet = new byte[172];
    private RtpPortAllocator _ports = null!;
    private Socket _peer = null!;
    private Socket _feeder = null!;
    private RtpSession _socket = null!;
    private RtpSession _direct = null!;
    private EndPoint _socketTarget = null!;
    private EndPoint _directTarget = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ports = new RtpPortAllocator(new RtpPortRange(47000, 47099), IPAddress.Loopback);
        _peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _peer.ReceiveBufferSize = 64 * 1024;
        _feeder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _feeder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var options = new RtpSessionOptions { Codec = "PCMU", RemoteRtp = (IPEndPoint)_peer.LocalEndPoint!, ReceiveOnRead = true, Latching = false, RtcpInterval = TimeSpan.FromHours(1) };
        _socket = new RtpSession(_ports.Allocate(), options with { DirectSocketCalls = false });
        _direct = new RtpSession(_ports.Allocate(), options with { DirectSocketCalls = true });
        _socket.Start();
        _direct.Start();
        _socketTarget = new IPEndPoint(IPAddress.Loopback, _socket.LocalRtpPort);
        _directTarget = new IPEndPoint(IPAddress.Loopback, _direct.LocalRtpPort);
        _packet[0] = 0x80;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _socket.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _direct.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _peer.Dispose();
        _feeder.Dispose();
    }

    [Benchmark(Baseline = true, Description = "WriteFrame, Socket.SendTo")]
    [BenchmarkCategory("send")]
    public void SendSocket() => _socket.WriteFrame(_frame);

    [Benchmark(Description = "WriteFrame, libc sendto")]
    [BenchmarkCategory("send")]
    public void SendDirect() => _direct.WriteFrame(_frame);

    [Benchmark(Baseline = true, Description = "ReadFrame of an empty socket, Available + ReceiveFrom")]
    [BenchmarkCategory("read empty")]
    public bool ReadEmptySocket() => _socket.ReadFrame(_frame);

    [Benchmark(Description = "ReadFrame of an empty socket, libc recvfrom")]
    [BenchmarkCategory("read empty")]
    public bool ReadEmptyDirect() => _direct.ReadFrame(_frame);

    // The feeder's send is in both: compare the difference, not the ratio alone.
    [Benchmark(Baseline = true, Description = "peer sends 1 packet + ReadFrame, Available + ReceiveFrom")]
    [BenchmarkCategory("read one")]
    public bool ReadOneSocket()
    {
        _feeder.SendTo(_packet, _socketTarget);
        return _socket.ReadFrame(_frame);
    }

    [Benchmark(Description = "peer sends 1 packet + ReadFrame, libc recvfrom")]
    [BenchmarkCategory("read one")]
    public bool ReadOneDirect()
    {
        _feeder.SendTo(_packet, _directTarget);
        return _direct.ReadFrame(_frame);
    }
}
