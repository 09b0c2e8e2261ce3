using System.Net;
using System.Net.Sockets;
using Ncco.Rtp.Packets;

namespace Ncco.Rtp.Tests.Support;

/// <summary>A hand-driven UDP endpoint on loopback (an RTP/RTCP port pair) standing in for a peer.</summary>
internal sealed class RawPeer : IDisposable
{
    public RawPeer()
    {
        // Find a free even/odd pair in the ephemeral range by trying a few (bounded).
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            rtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)rtp.LocalEndPoint!).Port;
            if (port % 2 == 0 && port < 65535)
            {
                var rtcp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    rtcp.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
                    Rtp = rtp;
                    Rtcp = rtcp;
                    Rtp.ReceiveTimeout = 3000;
                    Rtcp.ReceiveTimeout = 3000;
                    return;
                }
                catch (SocketException)
                {
                    rtcp.Dispose();
                }
            }
            rtp.Dispose();
        }
        throw new InvalidOperationException("no free loopback port pair for the test peer");
    }

    public Socket Rtp { get; } = null!;

    public Socket Rtcp { get; } = null!;

    public IPEndPoint RtpEndPoint => (IPEndPoint)Rtp.LocalEndPoint!;

    public void SendRtp(int port, byte payloadType, ushort sequence, uint timestamp, uint ssrc, ReadOnlySpan<byte> payload, bool marker = false)
    {
        var buffer = new byte[RtpPacket.MaxDatagramSize];
        var length = RtpPacket.Write(buffer, marker, payloadType, sequence, timestamp, ssrc, payload);
        Rtp.SendTo(buffer.AsSpan(0, length), SocketFlags.None, new IPEndPoint(IPAddress.Loopback, port));
    }

    /// <summary>Receives one RTP datagram (3 s timeout), or null.</summary>
    public byte[]? ReceiveRtp() => Receive(Rtp);

    /// <summary>Receives one RTCP datagram (3 s timeout), or null.</summary>
    public byte[]? ReceiveRtcp() => Receive(Rtcp);

    /// <summary>True when nothing arrives within <paramref name="milliseconds"/>.</summary>
    public bool RtpIsQuiet(int milliseconds) => !Rtp.Poll(milliseconds * 1000, SelectMode.SelectRead);

    private static byte[]? Receive(Socket socket)
    {
        var buffer = new byte[RtpPacket.MaxDatagramSize];
        try
        {
            var length = socket.Receive(buffer);
            return buffer[..length];
        }
        catch (SocketException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        Rtp?.Dispose();
        Rtcp?.Dispose();
    }
}
