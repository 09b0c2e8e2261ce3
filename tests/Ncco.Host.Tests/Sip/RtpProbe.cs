using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// A bare RTP endpoint on a loopback port, for SIP dialogs that SIPp signals but whose media the test owns: it learns
/// where the host sends from (the first packet it receives), then sends a G.711 µ-law packet every 20 ms back there,
/// with RFC 4733 key presses (payload type 101, 8 kHz) in place of the audio when asked. Counts what the host sends it.
/// </summary>
internal sealed class RtpProbe : IAsyncDisposable
{
    private const byte Pcmu = 0, TelephoneEvent = 101;
    private const int KeyTicks = 8; // 160 ms per key, then three end packets
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<char> _keys = new();
    private readonly Task _receiving, _sending;
    private IPEndPoint? _host;
    private int _received;

    public RtpProbe()
    {
        _receiving = Task.Run(ReceiveAsync);
        _sending = Task.Run(SendAsync);
    }

    /// <summary>The local RTP port, for the SDP.</summary>
    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    /// <summary>Where the host's RTP came from (null until the first packet).</summary>
    public IPEndPoint? Host => Volatile.Read(ref _host);

    /// <summary>RTP packets received from the host so far.</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>Queues an RFC 4733 key press (sent once the host's address is known).</summary>
    public void Press(char key) => _keys.Enqueue(key);

    private async Task ReceiveAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var datagram = await _socket.ReceiveAsync(_stop.Token);
                if (datagram.Buffer.Length < 12 || datagram.Buffer[0] >> 6 != 2) continue;
                Interlocked.CompareExchange(ref _host, datagram.RemoteEndPoint, null);
                Interlocked.Increment(ref _received);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private async Task SendAsync()
    {
        var ssrc = (uint)Random.Shared.Next();
        ushort sequence = (ushort)Random.Shared.Next(0, 30000);
        uint timestamp = (uint)Random.Shared.Next();
        var packet = new byte[12 + 160];
        char? key = null;
        var keyTick = 0;
        uint keyStart = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (Host is not { } host) continue;
                int length;
                var marker = false;
                if (key is null && _keys.TryDequeue(out var next))
                {
                    key = next;
                    keyTick = 0;
                    keyStart = timestamp;
                    marker = true;
                }
                if (key is { } pressed)
                {
                    // RFC 4733 §2.3: one event, its start timestamp throughout, the duration growing; the end sent 3 times.
                    var end = keyTick >= KeyTicks;
                    var duration = (ushort)(Math.Min(keyTick + 1, KeyTicks) * 160);
                    packet[12] = EventCode(pressed);
                    packet[13] = (byte)((end ? 0x80 : 0) | 10); // E bit, volume -10 dBm0
                    BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14), duration);
                    Header(packet, TelephoneEvent, marker, sequence++, keyStart, ssrc);
                    length = 16;
                    if (++keyTick >= KeyTicks + 3) key = null;
                }
                else
                {
                    packet.AsSpan(12, 160).Fill(0xFF); // µ-law silence
                    Header(packet, Pcmu, false, sequence++, timestamp, ssrc);
                    length = 12 + 160;
                }
                timestamp += 160;
                await _socket.SendAsync(packet.AsMemory(0, length), host, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private static void Header(byte[] packet, byte payloadType, bool marker, ushort sequence, uint timestamp, uint ssrc)
    {
        packet[0] = 0x80;
        packet[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
    }

    private static byte EventCode(char key) => key switch
    {
        >= '0' and <= '9' => (byte)(key - '0'),
        '*' => 10,
        '#' => 11,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "a DTMF key"),
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await Task.WhenAll(_receiving, _sending);
        _stop.Dispose();
    }
}
