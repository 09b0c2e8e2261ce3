using System.Net;
using Ncco.Media.G711;
using Ncco.Rtp.Jitter;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Sessions;
using Ncco.Rtp.Tests.Support;

namespace Ncco.Rtp.Tests.Sessions;

/// <summary>
/// <see cref="RtpBufferPool"/>: a session's long-lived buffers are reused by the next session rather than allocated on the
/// pinned heap per call (each pinned byte counts toward the next gen2 collection; issue 19).
/// </summary>
public sealed class RtpBufferPoolTests
{
    [Fact]
    public void A_returned_buffer_is_handed_out_again_cleared_and_a_new_one_is_pinned_and_old()
    {
        var pool = new RtpBufferPool();
        var first = pool.Rent(8192);
        Assert.Equal(8192, first.Length);
        Assert.Equal(GC.MaxGeneration, GC.GetGeneration(first)); // the pinned heap: never copied by a young collection
        first.AsSpan().Fill(0x5a);

        pool.Return(first);
        Assert.Equal(8192, pool.RetainedBytes);
        var again = pool.Rent(8192);
        Assert.Same(first, again);
        Assert.All(again, b => Assert.Equal(0, b)); // one call's audio is not left in the next call's buffer
        Assert.Equal(0, pool.RetainedBytes);

        var other = pool.Rent(1500); // a size nobody returned: a new one
        Assert.NotSame(first, other);
        Assert.Equal(1500, other.Length);
    }

    [Fact]
    public void What_the_pool_keeps_is_bounded_and_the_excess_is_left_to_the_collector()
    {
        var pool = new RtpBufferPool(maxRetainedBytes: 3 * 1024);
        var buffers = Enumerable.Range(0, 5).Select(_ => pool.Rent(1024)).ToArray();
        foreach (var buffer in buffers)
        {
            pool.Return(buffer);
        }
        Assert.Equal(3 * 1024, pool.RetainedBytes);
        var reused = Enumerable.Range(0, 4).Select(_ => pool.Rent(1024)).ToArray();
        Assert.Equal(3, reused.Count(r => buffers.Contains(r)));
        Assert.Equal(0, pool.RetainedBytes);

        pool.Return([]); // nothing to keep
        Assert.Equal(0, pool.RetainedBytes);
    }

    [Fact]
    public void Bad_arguments_name_the_parameter()
    {
        Assert.Equal("maxRetainedBytes", Assert.Throws<ArgumentOutOfRangeException>(() => new RtpBufferPool(-1)).ParamName);
        var pool = new RtpBufferPool();
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(0)).ParamName);
        Assert.Equal("buffer", Assert.Throws<ArgumentNullException>(() => pool.Return(null!)).ParamName);
    }

    [Fact]
    public void A_jitter_buffer_rents_its_storage_returns_it_when_it_grows_or_is_released_and_works_after()
    {
        var pool = new RtpBufferPool();
        var buffer = new JitterBuffer(new JitterBufferOptions { InitialDepth = 1, MaxDepth = 8 }, pool);
        buffer.Reserve(160);
        var small = buffer.PayloadStorage;
        Assert.Equal(0, pool.RetainedBytes);

        var large = Enumerable.Range(0, 400).Select(i => (byte)i).ToArray();
        Assert.NotEqual(JitterPush.TooLarge, buffer.Push(large, 0, 0, 1, 0, false, 0));
        Assert.NotSame(small, buffer.PayloadStorage);
        Assert.Equal(small.Length, pool.RetainedBytes); // the outgrown storage went back

        var grown = buffer.PayloadStorage;
        buffer.ReleaseStorage();
        Assert.Equal(small.Length + grown.Length, pool.RetainedBytes);
        Assert.Empty(buffer.PayloadStorage);
        Assert.Equal(0, buffer.Depth); // what it held went with the storage

        // Still a working buffer: the next packet rents storage again (the one just returned) and round-trips.
        Assert.NotEqual(JitterPush.TooLarge, buffer.Push(large, 5, 0, 1, 0, false, 0));
        Assert.Same(grown, buffer.PayloadStorage);
        var output = new byte[1488];
        var pop = buffer.Pop(output);
        Assert.Equal(JitterPopKind.Packet, pop.Kind);
        Assert.Equal(large, output.AsSpan(0, pop.PayloadLength).ToArray());
    }

    [Fact]
    public async Task A_session_hands_its_buffers_back_at_close_and_the_next_session_on_the_ports_reuses_them()
    {
        var ports = new RtpPortAllocator(new RtpPortRange(43400, 43419), IPAddress.Loopback);
        var first = new RtpSession(ports.Allocate(), new RtpSessionOptions { Codec = "PCMA", ReceiveOnRead = true });
        first.Start();
        await first.DisposeAsync();
        // The jitter buffer's payload storage (32 × 256 for G.711) and the RTCP loop's datagram buffer.
        var retained = ports.Buffers.RetainedBytes;
        Assert.Equal((32 * 256) + 1500, retained);

        using var peer = new RawPeer();
        await using var second = new RtpSession(ports.Allocate(), new RtpSessionOptions { Codec = "PCMA", ReceiveOnRead = true, RemoteRtp = peer.RtpEndPoint });
        second.Start();
        Assert.Equal(0, ports.Buffers.RetainedBytes); // both reused: no new pinned bytes for this call

        // …and audio still goes through the reused storage.
        var tone = Signals.Tone(1000, 8000, 160 * 10);
        var payload = new byte[160];
        var audio = new List<short>();
        var frame = new short[second.SamplesPerFrame];
        for (var i = 0; i < 10; i++)
        {
            ALaw.Encode(tone.AsSpan(i * 160, 160), payload);
            peer.SendRtp(second.LocalRtpPort, 8, (ushort)(300 + i), (uint)(i * 160), 9, payload);
            var sent = i + 1;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (second.Statistics.PacketsReceived < sent && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                if (second.ReadFrame(frame)) audio.AddRange(frame);
                else await Task.Delay(5);
            }
        }
        Assert.Equal(10, second.Statistics.PacketsReceived);
        for (var i = 0; i < 5 && second.ReadFrame(frame); i++)
        {
            audio.AddRange(frame);
        }
        Assert.True(Signals.ToneShare(audio.ToArray(), 1000, 8000) > 0.9, "the 1 kHz tone came through the reused buffer");
    }
}
