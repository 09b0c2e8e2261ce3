using System.Buffers.Binary;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Rtcp;
using Ncco.Rtp.Sessions;
using Ncco.Rtp.Tests.Support;

namespace Ncco.Rtp.Tests.Sessions;

/// <summary>
/// <see cref="RtpSessionOptions.Pacer"/>: packets handed to the kernel (io_uring) with their instant. No test here
/// asserts how late a packet was; they check what arrives, in what order, at which requested instants, and that
/// closing frees every slot.
/// </summary>
public sealed class PacedSenderTests
{
    private static readonly RtpPortAllocator Ports = new(new RtpPortRange(43300, 43399), IPAddress.Loopback);
    private static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(40);
    private const long FrameNanoseconds = 20_000_000;

    private static PacedSender NewPacer(int maxSlots = 4096) =>
        PacedSender.TryCreate(Lead, maxSlots, out var failure) ?? throw new InvalidOperationException($"this machine runs io_uring (kernel 6.x): {failure}");

    private static ushort Sequence(byte[] packet) => BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2));

    private static uint Timestamp(byte[] packet) => BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(4));

    private static short[] Frame(int i)
    {
        var frame = new short[160];
        Array.Fill(frame, (short)(1000 * (i + 1)));
        return frame;
    }

    private static async Task WaitForSlotsFree(PacedSender pacer)
    {
        for (var i = 0; i < 300 && pacer.SlotsInUse > 0; i++) await Task.Delay(10);
    }

    [Fact]
    public async Task Paced_packets_arrive_complete_in_order_with_their_sequence_timestamps_and_audio_intact()
    {
        using var pacer = NewPacer();
        using var peer = new RawPeer();
        using var reference = new RawPeer();
        await using var paced = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint, DeferSend = true, Pacer = pacer, Ssrc = 7, Latching = false });
        // The same frames through an unpaced session give the payload bytes the paced one must deliver.
        await using var direct = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = reference.RtpEndPoint, Ssrc = 7, Latching = false });
        paced.Start();
        direct.Start();

        const int frames = 12;
        var start = PacedSender.Now() + pacer.LeadNanoseconds;
        for (var i = 0; i < frames; i++)
        {
            pacer.FrameDeadline = start + (i * FrameNanoseconds);
            paced.WriteFrame(Frame(i));
            paced.FlushSend();
            direct.WriteFrame(Frame(i));
        }
        pacer.Submit();

        var received = new List<byte[]>();
        for (var i = 0; i < frames; i++) received.Add(peer.ReceiveRtp() ?? throw new InvalidOperationException($"packet {i} missing"));
        for (var i = 0; i < frames; i++)
        {
            var expected = reference.ReceiveRtp()!;
            Assert.Equal(12 + 160, received[i].Length);
            Assert.Equal(expected.AsSpan(12).ToArray(), received[i].AsSpan(12).ToArray());
            Assert.Equal((ushort)(Sequence(received[0]) + i), Sequence(received[i]));
            Assert.Equal(Timestamp(received[0]) + (uint)(160 * i), Timestamp(received[i]));
        }
        Assert.True(peer.RtpIsQuiet(100));
        await WaitForSlotsFree(pacer);
        Assert.Equal(0, pacer.SlotsInUse);
        Assert.Equal(frames, pacer.Sent);
        Assert.Equal(frames, paced.Statistics.PacketsSent);
        Assert.Equal(0, paced.Statistics.SendErrors);
    }

    [Fact]
    public async Task A_sender_report_pairs_its_wallclock_with_the_rtp_timestamp_of_that_instant_not_of_the_frame_a_lead_ahead()
    {
        // RFC 3550 6.4.1: the report's RTP timestamp is the clock's reading at the report's NTP instant. A paced
        // session's frames leave the lead after they are built, so its report must read 40 ms (320 units) earlier
        // against its packets than an unpaced session's does.
        using var pacer = NewPacer();
        var paced = await ReportTimestampPastLastPacket(pacer);
        var direct = await ReportTimestampPastLastPacket(pacer: null);
        Assert.Equal(direct - 320, paced);
    }

    private static async Task<int> ReportTimestampPastLastPacket(PacedSender? pacer)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        using var peer = new RawPeer();
        await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint, DeferSend = pacer is not null, Pacer = pacer, Latching = false }, clock);
        session.Start();
        var start = PacedSender.Now() + Lead.Ticks * 100;
        for (var i = 0; i < 11; i++)
        {
            if (i == 10) clock.Advance(TimeSpan.FromSeconds(7.6)); // past 1.5 × 5 s: the next frame brings the report
            if (pacer is not null) pacer.FrameDeadline = start + (i * FrameNanoseconds);
            session.WriteFrame(Frame(i));
            if (pacer is not null) session.FlushSend();
        }
        pacer?.Submit();
        uint last = 0;
        for (var i = 0; i < 11; i++) last = Timestamp(peer.ReceiveRtp() ?? throw new InvalidOperationException($"packet {i} missing"));
        Assert.Equal(RtcpParseError.None, RtcpCompound.TryParse(peer.ReceiveRtcp(), out var packets));
        var report = Assert.IsType<RtcpSenderReport>(packets[0]);
        return unchecked((int)(report.Sender.RtpTimestamp - last));
    }

    [Fact]
    public async Task Each_packet_is_queued_for_the_instant_of_the_frame_it_was_built_in_on_the_20_ms_grid()
    {
        using var pacer = NewPacer();
        var requested = new List<long>();
        pacer.Queued = requested.Add;
        using var peer = new RawPeer();
        await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMA", RemoteRtp = peer.RtpEndPoint, DeferSend = true, Pacer = pacer });
        session.Start();

        var start = PacedSender.Now() + pacer.LeadNanoseconds;
        // As the media thread catching up after a pause: several frames built, each flushed by the next WriteFrame, each
        // built under its own tick's instant; the last one is flushed after the instant has moved on.
        for (var i = 0; i < 5; i++)
        {
            pacer.FrameDeadline = start + (i * FrameNanoseconds);
            session.WriteFrame(Frame(i));
        }
        pacer.FrameDeadline = start + (99 * FrameNanoseconds);
        session.FlushSend();
        pacer.Submit();

        Assert.Equal([start, start + FrameNanoseconds, start + (2 * FrameNanoseconds), start + (3 * FrameNanoseconds), start + (4 * FrameNanoseconds)], requested);
        for (var i = 0; i < 5; i++) Assert.NotNull(peer.ReceiveRtp());
    }

    [Fact]
    public async Task A_stopped_prompt_has_nothing_queued_past_the_stop_plus_the_lead()
    {
        using var pacer = NewPacer();
        var requested = new List<long>();
        pacer.Queued = requested.Add;
        using var peer = new RawPeer();
        await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint, DeferSend = true, Pacer = pacer });
        session.Start();

        // Ten prompt frames, then the prompt stops (barge-in): from the stop on, the frames built are silence.
        var start = PacedSender.Now() + pacer.LeadNanoseconds;
        const int promptFrames = 10;
        var silence = new short[160];
        for (var i = 0; i < promptFrames + 5; i++)
        {
            pacer.FrameDeadline = start + (i * FrameNanoseconds);
            session.WriteFrame(i < promptFrames ? Frame(i) : silence);
            session.FlushSend();
            pacer.Submit();
        }
        // The stop happened when frame `promptFrames` was built: its tick's deadline is that instant minus the lead.
        var stop = start + (promptFrames * FrameNanoseconds) - pacer.LeadNanoseconds;
        var packets = new List<byte[]>();
        for (var i = 0; i < promptFrames + 5; i++) packets.Add(peer.ReceiveRtp() ?? throw new InvalidOperationException($"packet {i} missing"));
        for (var i = 0; i < packets.Count; i++)
        {
            var isPrompt = packets[i][12] != packets[promptFrames][12];
            if (isPrompt) Assert.True(requested[i] <= stop + pacer.LeadNanoseconds, $"prompt packet {i} queued for {requested[i] - stop} ns after the stop");
            Assert.Equal(i < promptFrames, isPrompt);
        }
    }

    [Fact]
    public async Task Closing_a_session_with_packets_queued_fails_them_unsent_frees_every_slot_and_sends_nothing()
    {
        using var pacer = NewPacer();
        using var peer = new RawPeer();
        var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint, DeferSend = true, Pacer = pacer });
        session.Start();
        // Far enough ahead that the close comes first on any machine; within the 2 s the session waits for its slots
        // (a tick's chain is not cancelled for one session: its sends fail at their instant, the socket gone from the
        // ring's table).
        var start = PacedSender.Now() + 1_000_000_000L;
        for (var i = 0; i < 6; i++)
        {
            pacer.FrameDeadline = start + (i * FrameNanoseconds);
            session.WriteFrame(Frame(i));
            session.FlushSend();
        }
        pacer.Submit();
        Assert.Equal(6, pacer.SlotsInUse);

        await session.DisposeAsync();

        // Dispose waited for the kernel to hand back every slot before closing the socket.
        Assert.Equal(0, pacer.SlotsInUse);
        Assert.Equal(6, pacer.Cancelled);
        Assert.Equal(0, pacer.Sent);
        Assert.True(peer.RtpIsQuiet(2500), "a cancelled packet must not go out at its instant");
        // A frame built after the close is dropped, not queued and not sent.
        pacer.FrameDeadline = PacedSender.Now();
        session.WriteFrame(Frame(0));
        session.FlushSend();
        pacer.Submit();
        Assert.Equal(0, pacer.SlotsInUse);
        Assert.True(peer.RtpIsQuiet(200));
    }

    [Fact]
    public async Task A_tick_of_many_sessions_leaves_whole_each_session_on_its_own_socket_in_order()
    {
        using var pacer = NewPacer();
        const int sessions = 40;
        const int frames = 6;
        var peers = new RawPeer[sessions];
        var legs = new RtpSession[sessions];
        try
        {
            for (var s = 0; s < sessions; s++)
            {
                peers[s] = new RawPeer();
                legs[s] = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peers[s].RtpEndPoint, DeferSend = true, Pacer = pacer, Ssrc = (uint)(100 + s), Latching = false });
                legs[s].Start();
            }
            // As the media thread does: every session's frame for one instant, then the next instant; one submit per tick.
            var start = PacedSender.Now() + pacer.LeadNanoseconds;
            for (var i = 0; i < frames; i++)
            {
                pacer.FrameDeadline = start + (i * FrameNanoseconds);
                for (var s = 0; s < sessions; s++) legs[s].WriteFrame(Frame(i));
                for (var s = 0; s < sessions; s++) legs[s].FlushSend();
                pacer.Submit();
            }

            for (var s = 0; s < sessions; s++)
            {
                ushort? previous = null;
                for (var i = 0; i < frames; i++)
                {
                    var packet = peers[s].ReceiveRtp() ?? throw new InvalidOperationException($"session {s} packet {i} missing");
                    Assert.Equal((uint)(100 + s), BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(8)));
                    if (previous is { } p) Assert.Equal((ushort)(p + 1), Sequence(packet));
                    previous = Sequence(packet);
                }
            }
            await WaitForSlotsFree(pacer);
            Assert.Equal(sessions * frames, pacer.Sent);
            Assert.Equal(0, pacer.Failed);
            Assert.Equal(0, pacer.SentImmediately);
        }
        finally
        {
            foreach (var leg in legs) if (leg is not null) await leg.DisposeAsync();
            foreach (var peer in peers) peer?.Dispose();
        }
    }

    [Fact]
    public async Task Closing_one_session_in_a_queued_tick_fails_only_its_packets_and_the_others_still_leave()
    {
        using var pacer = NewPacer();
        using var closedPeer = new RawPeer();
        using var keptPeer = new RawPeer();
        var closing = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = closedPeer.RtpEndPoint, DeferSend = true, Pacer = pacer, Latching = false });
        await using var kept = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = keptPeer.RtpEndPoint, DeferSend = true, Pacer = pacer, Latching = false });
        closing.Start();
        kept.Start();
        // Both sessions' packets share each tick's chain; the closed one sits first in it, so the kept one's sends run
        // behind failed ones.
        var start = PacedSender.Now() + 600_000_000L;
        for (var i = 0; i < 4; i++)
        {
            pacer.FrameDeadline = start + (i * FrameNanoseconds);
            closing.WriteFrame(Frame(i));
            kept.WriteFrame(Frame(i));
            closing.FlushSend();
            kept.FlushSend();
            pacer.Submit();
        }
        Assert.Equal(8, pacer.SlotsInUse);

        await closing.DisposeAsync();

        for (var i = 0; i < 4; i++) Assert.NotNull(keptPeer.ReceiveRtp());
        Assert.True(closedPeer.RtpIsQuiet(300), "a closed session's queued packet must not go out");
        await WaitForSlotsFree(pacer);
        Assert.Equal(0, pacer.SlotsInUse);
        Assert.Equal(4, pacer.Sent);
        Assert.Equal(4, pacer.Cancelled);
        Assert.Equal(0, pacer.Failed);
    }

    [Fact]
    public async Task A_closed_sessions_place_in_the_descriptor_table_goes_to_a_new_session_only_once_its_packets_are_done()
    {
        using var pacer = NewPacer();
        using var peer = new RawPeer();
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var fd = (int)socket.SafeHandle.DangerousGetHandle();
        var to = peer.RtpEndPoint.Serialize();
        var first = pacer.Open(fd);
        Assert.True(first.FileIndex >= 0);
        var place = first.FileIndex;
        var deadline = PacedSender.Now() + 300_000_000L;
        Assert.Equal(PacedSendResult.Queued, first.Queue(new byte[] { 0x80, 0, 0, 1 }, to, deadline));
        pacer.Submit();

        var closing = first.CloseAsync(TimeSpan.FromSeconds(2));
        // Its send still names that place until its instant: a new session must not be put there.
        var second = pacer.Open(fd);
        Assert.NotEqual(place, second.FileIndex);
        Assert.Equal(PacedSendResult.Closed, first.Queue(new byte[] { 0x80, 0, 0, 2 }, to, deadline));
        await closing;

        Assert.Equal(-1, first.FileIndex);
        var third = pacer.Open(fd);
        Assert.Equal(place, third.FileIndex);
        Assert.Equal(1, pacer.Cancelled);
        Assert.True(peer.RtpIsQuiet(100));
        await second.CloseAsync(TimeSpan.FromSeconds(2));
        await third.CloseAsync(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_tick_of_more_packets_than_one_chain_holds_is_split_into_chains_and_every_packet_leaves_on_its_legs_socket_in_order()
    {
        // One chain holds 1,024 sends: 1,300 legs make two chains a tick (1,024 + 276), as a host with that many calls.
        const int legs = 1300;
        const int ticks = 3;
        using var pacer = NewPacer(maxSlots: 8192);
        using var net = new ChainLegs(pacer, legs);
        var start = PacedSender.Now() + pacer.LeadNanoseconds;
        for (var t = 0; t < ticks; t++)
        {
            for (var l = 0; l < legs; l++) Assert.Equal(PacedSendResult.Queued, net.Queue(l, t, start + (t * FrameNanoseconds)));
            pacer.Submit();
        }

        var arrived = net.ReceiveAll(legs * ticks);
        int[] everyTick = [.. Enumerable.Range(0, ticks)];
        for (var l = 0; l < legs; l++) Assert.Equal(everyTick, arrived[l]);
        Assert.True(net.AllQuiet(100), "no packet arrives twice");
        await WaitForSlotsFree(pacer);
        Assert.Equal(0, pacer.SlotsInUse);
        Assert.Equal(ticks * 2, pacer.Chains);
        Assert.Equal(legs * ticks, pacer.Sent);
        Assert.Equal(0, pacer.Failed);
        Assert.Equal(0, pacer.Cancelled);
        Assert.Equal(0, pacer.SentImmediately);
        await net.CloseAllAsync();
    }

    [Fact]
    public async Task Legs_closed_at_a_chains_head_middle_end_and_the_next_chains_head_fail_only_their_sends_and_the_rest_of_each_chain_leaves()
    {
        // 1,100 legs: each tick is a chain of 1,024 and one of 76. The closed legs' sends sit where a failed send could
        // take the others with it: first behind the timeout, in the middle, last of a full chain, first and last of the next.
        const int legs = 1100;
        const int ticks = 2;
        int[] closed = [0, 500, 1023, 1024, 1099];
        using var pacer = NewPacer(maxSlots: 8192);
        using var net = new ChainLegs(pacer, legs);
        // Far enough ahead that the closes come first on any machine, within the 2 s a close waits for its sends.
        var start = PacedSender.Now() + 600_000_000L;
        for (var t = 0; t < ticks; t++)
        {
            for (var l = 0; l < legs; l++) Assert.Equal(PacedSendResult.Queued, net.Queue(l, t, start + (t * FrameNanoseconds)));
            pacer.Submit();
        }
        Assert.Equal(legs * ticks, pacer.SlotsInUse);

        await Task.WhenAll(closed.Select(l => net.Streams[l].CloseAsync(TimeSpan.FromSeconds(2))));

        // Each close returned once the kernel had reported its leg's sends done: failed unsent, while the others went out.
        var arrived = net.ReceiveAll((legs - closed.Length) * ticks);
        Assert.True(net.AllQuiet(200), "a closed leg's queued packet must not go out");
        int[] everyTick = [.. Enumerable.Range(0, ticks)];
        for (var l = 0; l < legs; l++) Assert.Equal(closed.Contains(l) ? [] : everyTick, arrived[l]);
        await WaitForSlotsFree(pacer);
        Assert.Equal(0, pacer.SlotsInUse);
        Assert.Equal(ticks * 2, pacer.Chains);
        Assert.Equal(closed.Length * ticks, pacer.Cancelled);
        Assert.Equal((legs - closed.Length) * ticks, pacer.Sent);
        Assert.Equal(0, pacer.Failed);
        foreach (var l in closed) Assert.Equal(PacedSendResult.Closed, net.Queue(l, ticks, start));
        await net.CloseAllAsync();
    }

    [Fact]
    public async Task Two_ticks_due_at_once_keep_each_legs_packets_in_order()
    {
        // A catch-up: both ticks already due, written back to back before one submit, and leg 0's place in the flush
        // order moved between them (last of eleven, then alone). Unlinked, the kernel advanced both chains in step and
        // leg 0's second packet left first; linked, the second chain's timer starts once the first chain's sends are done.
        using var pacer = NewPacer(maxSlots: 8192);
        using var net = new ChainLegs(pacer, 11);
        const int rounds = 3;
        for (var round = 0; round < rounds; round++)
        {
            var past = PacedSender.Now() - 10_000_000L;
            for (var l = 1; l <= 10; l++) Assert.Equal(PacedSendResult.Queued, net.Queue(l, 2 * round, past));
            Assert.Equal(PacedSendResult.Queued, net.Queue(0, 2 * round, past));
            Assert.Equal(PacedSendResult.Queued, net.Queue(0, (2 * round) + 1, past + 1));
            pacer.Submit();

            var arrived = net.ReceiveAll(12);
            Assert.Equal([2 * round, (2 * round) + 1], arrived[0]);
            for (var l = 1; l <= 10; l++) Assert.Equal([2 * round], arrived[l]);
            await WaitForSlotsFree(pacer);
        }
        Assert.Equal(2 * rounds, pacer.Chains);
        Assert.Equal(rounds, pacer.LinkedChains);
        Assert.Equal(12 * rounds, pacer.Sent);
        Assert.Equal(0, pacer.Failed);
        await net.CloseAllAsync();
    }

    [Fact]
    public async Task Linked_chains_still_queued_when_the_sender_is_disposed_all_come_back_cancelled()
    {
        // Two ticks far ahead, the second linked behind the first: disposing cancels the first chain's timer, which
        // fails everything linked behind it — the second chain included — and every slot comes back once.
        var pacer = NewPacer(maxSlots: 8192);
        using var net = new ChainLegs(pacer, 4);
        var start = PacedSender.Now() + 2_000_000_000L;
        for (var t = 0; t < 2; t++)
        {
            for (var l = 0; l < 4; l++) Assert.Equal(PacedSendResult.Queued, net.Queue(l, t, start + (t * FrameNanoseconds)));
        }
        pacer.Submit();
        Assert.Equal(1, pacer.LinkedChains);

        pacer.Dispose();

        Assert.Equal(0, pacer.SlotsInUse);
        Assert.Equal(8, pacer.Cancelled);
        Assert.Equal(0, pacer.Sent);
        Assert.True(net.AllQuiet(200), "nothing queued is sent after the sender is disposed");
    }

    [Fact]
    public async Task When_every_slot_is_taken_the_rest_is_sent_at_once_and_nothing_is_lost()
    {
        using var pacer = NewPacer(maxSlots: 256);
        using var peer = new RawPeer();
        await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint, Pacer = pacer });
        session.Start();

        // Spread over 300 ms so the peer's receive buffer keeps up.
        var start = PacedSender.Now() + 100_000_000L;
        for (var i = 0; i < 300; i++)
        {
            pacer.FrameDeadline = start + (i * 1_000_000L);
            session.WriteFrame(Frame(i % 10));
        }
        pacer.Submit();

        Assert.Equal(44, pacer.SentImmediately);
        var sequences = new HashSet<ushort>();
        for (var i = 0; i < 300; i++) sequences.Add(Sequence(peer.ReceiveRtp() ?? throw new InvalidOperationException($"packet {i} missing")));
        Assert.Equal(300, sequences.Count);
        await WaitForSlotsFree(pacer);
        Assert.Equal(0, pacer.SlotsInUse);
    }

    [Fact]
    public async Task Queueing_a_tick_allocates_nothing_once_warm()
    {
        using var pacer = NewPacer();
        using var peer = new RawPeer();
        await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint, DeferSend = true, Pacer = pacer });
        session.Start();
        var frame = Frame(3);
        var now = PacedSender.Now();
        for (var i = 0; i < 5; i++)
        {
            pacer.FrameDeadline = now + (i * FrameNanoseconds);
            session.WriteFrame(frame);
            session.FlushSend();
            pacer.Submit();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 5; i < 50; i++)
        {
            pacer.FrameDeadline = now + (i * FrameNanoseconds);
            session.WriteFrame(frame);
            session.FlushSend();
            pacer.Submit();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Where_io_uring_is_refused_there_is_no_pacer_and_the_reason_says_why()
    {
        // As under a seccomp profile that refuses the call (ENOSYS) or a kernel with io_uring disabled (EPERM).
        var pacer = PacedSender.TryCreate(Lead, 16, out var failure, (_, _) => -38);

        Assert.Null(pacer);
        Assert.Contains("io_uring_setup failed: errno 38", failure);
    }

    // Sends three frames through a session on pacer and checks all three arrive, in order, and their slots come back.
    private static async Task SendsEveryPacket(PacedSender pacer)
    {
        using var peer = new RawPeer();
        await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint, DeferSend = true, Pacer = pacer, Latching = false });
        session.Start();
        var start = PacedSender.Now() + pacer.LeadNanoseconds;
        for (var i = 0; i < 3; i++)
        {
            pacer.FrameDeadline = start + (i * FrameNanoseconds);
            session.WriteFrame(Frame(i));
            session.FlushSend();
        }
        pacer.Submit();
        var first = Sequence(peer.ReceiveRtp() ?? throw new InvalidOperationException("packet 0 missing"));
        for (var i = 1; i < 3; i++) Assert.Equal((ushort)(first + i), Sequence(peer.ReceiveRtp() ?? throw new InvalidOperationException($"packet {i} missing")));
        await WaitForSlotsFree(pacer);
        Assert.Equal(0, pacer.SlotsInUse);
        Assert.Equal(3, pacer.Sent);
    }

    [Fact]
    public async Task The_sender_thread_asks_for_real_time_first_and_reports_getting_it()
    {
        var asked = new List<Ncco.Media.Pcm.MediaThreadPriority>();
        using var pacer = PacedSender.TryCreate(Lead, 4096, out var failure, null, schedule: (Ncco.Media.Pcm.MediaThreadPriority p, out string? error) =>
        {
            asked.Add(p);
            error = null;
            return true;
        }) ?? throw new InvalidOperationException(failure);

        Assert.Equal([Ncco.Media.Pcm.MediaThreadPriority.Realtime], asked);
        Assert.Equal(Ncco.Media.Pcm.MediaThreadPriority.Realtime, pacer.Priority);
        Assert.Equal(Ncco.Media.Pcm.MediaThreadPriority.Realtime, pacer.EffectivePriority);
        Assert.Null(pacer.SchedulingFailure);
        await SendsEveryPacket(pacer);
    }

    [Fact]
    public async Task Where_real_time_is_refused_the_sender_thread_falls_back_to_high_says_why_and_still_sends_every_packet()
    {
        // As in a container without CAP_SYS_NICE or an RLIMIT_RTPRIO: SCHED_FIFO refused, nice −10 allowed (or not).
        var asked = new List<Ncco.Media.Pcm.MediaThreadPriority>();
        using var pacer = PacedSender.TryCreate(Lead, 4096, out var failure, null, schedule: (Ncco.Media.Pcm.MediaThreadPriority p, out string? error) =>
        {
            asked.Add(p);
            var allowed = p != Ncco.Media.Pcm.MediaThreadPriority.Realtime;
            error = allowed ? null : "sched_setscheduler(SCHED_FIFO 11) failed: errno 1";
            return allowed;
        }) ?? throw new InvalidOperationException(failure);

        Assert.Equal([Ncco.Media.Pcm.MediaThreadPriority.Realtime, Ncco.Media.Pcm.MediaThreadPriority.High], asked);
        Assert.Equal(Ncco.Media.Pcm.MediaThreadPriority.High, pacer.EffectivePriority);
        Assert.Equal("sched_setscheduler(SCHED_FIFO 11) failed: errno 1", pacer.SchedulingFailure);
        await SendsEveryPacket(pacer);
    }

    [Fact]
    public async Task Where_every_priority_is_refused_the_sender_thread_runs_at_normal_with_the_first_refusal_and_still_sends()
    {
        using var pacer = PacedSender.TryCreate(Lead, 4096, out var failure, null, schedule: (Ncco.Media.Pcm.MediaThreadPriority p, out string? error) =>
        {
            error = $"{p} refused";
            return false;
        }) ?? throw new InvalidOperationException(failure);

        Assert.Equal(Ncco.Media.Pcm.MediaThreadPriority.Normal, pacer.EffectivePriority);
        Assert.Equal("Realtime refused", pacer.SchedulingFailure);
        await SendsEveryPacket(pacer);
    }

    [Fact]
    public void A_sender_asked_for_high_never_asks_for_real_time()
    {
        var asked = new List<Ncco.Media.Pcm.MediaThreadPriority>();
        using var pacer = PacedSender.TryCreate(Lead, 4096, out var failure, null, Ncco.Media.Pcm.MediaThreadPriority.High, (Ncco.Media.Pcm.MediaThreadPriority p, out string? error) =>
        {
            asked.Add(p);
            error = null;
            return true;
        }) ?? throw new InvalidOperationException(failure);

        Assert.Equal([Ncco.Media.Pcm.MediaThreadPriority.High], asked);
        Assert.Equal(Ncco.Media.Pcm.MediaThreadPriority.High, pacer.EffectivePriority);
    }

    [Fact]
    public void A_priority_that_is_not_one_of_the_three_is_refused_naming_it()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PacedSender.TryCreate(Lead, 16, (Ncco.Media.Pcm.MediaThreadPriority)7, out _));
        Assert.Equal("priority", e.ParamName);
    }

    [Fact]
    public async Task A_session_without_a_pacer_sends_each_packet_as_it_is_flushed()
    {
        using var peer = new RawPeer();
        await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint, DeferSend = true, Pacer = null });
        session.Start();

        session.WriteFrame(Frame(0));
        session.FlushSend();

        Assert.NotNull(peer.ReceiveRtp());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(501)]
    public void A_lead_out_of_range_is_refused(int milliseconds)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PacedSender.TryCreate(TimeSpan.FromMilliseconds(milliseconds), 16, out _));
        Assert.Equal("lead", e.ParamName);
    }

    /// <summary>
    /// Many legs straight on a <see cref="PacedSender"/>, each with its own socket (so a packet's source port says which
    /// leg's socket sent it), spread over a few receiving sockets so none overflows. Each datagram carries its leg and tick.
    /// </summary>
    private sealed class ChainLegs : IDisposable
    {
        private const int ReceiverCount = 32;
        private readonly System.Net.Sockets.Socket[] _senders;
        private readonly System.Net.Sockets.Socket[] _receivers = new System.Net.Sockets.Socket[ReceiverCount];
        private readonly SocketAddress[] _to = new SocketAddress[ReceiverCount];
        private readonly Dictionary<int, int> _legByPort = [];

        public ChainLegs(PacedSender pacer, int legs)
        {
            for (var r = 0; r < ReceiverCount; r++)
            {
                _receivers[r] = NewSocket();
                _receivers[r].ReceiveBufferSize = 1 << 20;
                _receivers[r].ReceiveTimeout = 3000;
                _to[r] = _receivers[r].LocalEndPoint!.Serialize();
            }
            _senders = new System.Net.Sockets.Socket[legs];
            Streams = new PacedStream[legs];
            for (var l = 0; l < legs; l++)
            {
                _senders[l] = NewSocket();
                _legByPort[((IPEndPoint)_senders[l].LocalEndPoint!).Port] = l;
                Streams[l] = pacer.Open((int)_senders[l].SafeHandle.DangerousGetHandle());
                if (Streams[l].FileIndex < 0) throw new InvalidOperationException($"leg {l} found no place in the ring's descriptor table");
            }
        }

        public PacedStream[] Streams { get; }

        public PacedSendResult Queue(int leg, int tick, long deadline)
        {
            Span<byte> datagram = stackalloc byte[8];
            BinaryPrimitives.WriteInt32BigEndian(datagram, leg);
            BinaryPrimitives.WriteInt32BigEndian(datagram[4..], tick);
            return Streams[leg].Queue(datagram, _to[leg % ReceiverCount], deadline);
        }

        /// <summary>
        /// Receives <paramref name="count"/> datagrams: per leg, the ticks in arrival order. Fails on a datagram from
        /// another leg's socket or a missing one.
        /// </summary>
        public List<int>[] ReceiveAll(int count)
        {
            var arrived = new List<int>[_senders.Length];
            for (var l = 0; l < arrived.Length; l++) arrived[l] = [];
            var buffer = new byte[64];
            var received = 0;
            while (received < count)
            {
                var before = received;
                foreach (var receiver in _receivers)
                {
                    while (received < count && receiver.Available > 0)
                    {
                        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                        Assert.Equal(8, receiver.ReceiveFrom(buffer, ref from));
                        var leg = BinaryPrimitives.ReadInt32BigEndian(buffer);
                        Assert.Equal(leg, _legByPort[((IPEndPoint)from).Port]);
                        arrived[leg].Add(BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(4)));
                        received++;
                    }
                }
                if (received == before)
                {
                    var readable = _receivers.ToList();
                    System.Net.Sockets.Socket.Select(readable, null, null, 3_000_000);
                    if (readable.Count == 0) throw new InvalidOperationException($"{count - received} of {count} packets missing");
                }
            }
            return arrived;
        }

        public bool AllQuiet(int milliseconds)
        {
            var readable = _receivers.ToList();
            System.Net.Sockets.Socket.Select(readable, null, null, milliseconds * 1000);
            return readable.Count == 0;
        }

        public async Task CloseAllAsync()
        {
            foreach (var stream in Streams) await stream.CloseAsync(TimeSpan.FromSeconds(2));
        }

        public void Dispose()
        {
            foreach (var socket in _senders) socket?.Dispose();
            foreach (var socket in _receivers) socket?.Dispose();
        }

        // On 127.0.0.2, not 127.0.0.1: these tests hold up to 1,300 ephemeral ports at once, anywhere in the kernel's
        // ephemeral range, while other test classes bind fixed RTP port ranges on 127.0.0.1 in parallel — on the same
        // address they took some of those ports (a fresh-clone CI run failed RtpPortAllocatorTests and RtpSessionTests
        // that way). A UDP port bound on one loopback address is free on the other.
        private static readonly IPAddress Address = IPAddress.Parse("127.0.0.2");

        private static System.Net.Sockets.Socket NewSocket()
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
            socket.Bind(new IPEndPoint(Address, 0));
            return socket;
        }
    }
}
