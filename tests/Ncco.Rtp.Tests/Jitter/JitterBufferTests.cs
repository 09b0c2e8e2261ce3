using Ncco.Rtp.Jitter;

namespace Ncco.Rtp.Tests.Jitter;

/// <summary>
/// Drives the buffer with synthetic arrival schedules: each packet carries a 20 ms frame (160 units) and the test
/// decides when it arrives relative to the 20 ms pop ticks.
/// </summary>
public sealed class JitterBufferTests
{
    private const int Frame = 160;

    private sealed class Harness(JitterBufferOptions? options = null)
    {
        public JitterBuffer Buffer { get; } = new(options);
        public List<JitterPop> Pops { get; } = [];
        private readonly byte[] _out = new byte[1200];

        public JitterPush Push(int sequence, uint arrivalUnits, uint ssrc = 1, uint? timestamp = null)
        {
            var payload = new byte[] { (byte)sequence, (byte)(sequence >> 8) };
            return Buffer.Push(payload, (ushort)sequence, timestamp ?? (uint)(sequence * Frame), ssrc, 0, false, arrivalUnits);
        }

        public JitterPop Pop()
        {
            var pop = Buffer.Pop(_out);
            if (pop.Kind == JitterPopKind.Packet)
            {
                Assert.Equal((byte)pop.SequenceNumber, _out[0]); // payload travels with its packet
            }
            Pops.Add(pop);
            return pop;
        }

        /// <summary>Runs ticks 0…ticks−1; before each pop, pushes every packet whose arrival (in units) is due.</summary>
        public void Run(IEnumerable<(int Sequence, uint Arrival)> schedule, int ticks, uint ssrc = 1)
        {
            var queue = schedule.OrderBy(p => p.Arrival).ToList();
            var next = 0;
            for (var tick = 0; tick < ticks; tick++)
            {
                var now = (uint)(tick * Frame);
                while (next < queue.Count && queue[next].Arrival <= now)
                {
                    Push(queue[next].Sequence, queue[next].Arrival, ssrc);
                    next++;
                }
                Pop();
            }
        }

        public List<int> Played => Pops.Where(p => p.Kind == JitterPopKind.Packet).Select(p => (int)p.SequenceNumber).ToList();
    }

    [Fact]
    public void Steady_stream_plays_in_order_after_the_initial_depth()
    {
        var h = new Harness();
        h.Run(Enumerable.Range(0, 100).Select(s => (s, (uint)(s * Frame))), 100);
        // Perfect pacing measures no jitter: the target comes down from the initial 2 frames to the minimum.
        Assert.Equal(1, h.Buffer.TargetDepth);
        var played = h.Played;
        Assert.Equal(Enumerable.Range(0, played.Count), played);
        Assert.True(played.Count >= 97, $"played {played.Count}");
        Assert.Equal(0, h.Buffer.Statistics.Lost);
        Assert.Equal(0, h.Buffer.Statistics.Underruns);
        Assert.Equal(JitterPopKind.Buffering, h.Pops[0].Kind);
    }

    [Fact]
    public void A_larger_payload_grows_the_storage_without_corrupting_packets_already_held()
    {
        var buffer = new JitterBuffer(new JitterBufferOptions { InitialDepth = 4, MaxDepth = 8 });
        byte[] Payload(int sequence, int length) => Enumerable.Range(0, length).Select(i => (byte)(sequence * 31 + i)).ToArray();
        // Three small packets are held when a larger one arrives (storage grows and must carry them over), then a
        // payload of the full 1,488-byte maximum, then one over it (refused, not truncated).
        var lengths = new[] { 2, 160, 160, 400, 1488 };
        for (var s = 0; s < lengths.Length; s++)
        {
            Assert.NotEqual(JitterPush.TooLarge, buffer.Push(Payload(s, lengths[s]), (ushort)s, (uint)(s * Frame), 1, 0, false, 0));
        }
        Assert.Equal(JitterPush.TooLarge, buffer.Push(new byte[1489], 5, 5 * Frame, 1, 0, false, 0));
        var output = new byte[1488];
        for (var s = 0; s < lengths.Length; s++)
        {
            var pop = buffer.Pop(output);
            Assert.Equal(JitterPopKind.Packet, pop.Kind);
            Assert.Equal(s, pop.SequenceNumber);
            Assert.Equal(Payload(s, lengths[s]), output.AsSpan(0, pop.PayloadLength).ToArray());
        }
    }

    [Fact]
    public void Payload_storage_is_born_old_so_young_collections_never_copy_it()
    {
        // It lives as long as the call: on the pinned object heap it is gen2 from the start (issue 19), before and after
        // a growth, and packets still round-trip through it.
        var buffer = new JitterBuffer(new JitterBufferOptions { InitialDepth = 1, MaxDepth = 8 });
        Assert.NotEqual(JitterPush.TooLarge, buffer.Push(new byte[160], 0, 0, 1, 0, false, 0));
        var first = buffer.PayloadStorage;
        Assert.Equal(GC.MaxGeneration, GC.GetGeneration(first));
        var large = Enumerable.Range(0, 400).Select(i => (byte)i).ToArray();
        Assert.NotEqual(JitterPush.TooLarge, buffer.Push(large, 1, Frame, 1, 0, false, 0));
        Assert.NotSame(first, buffer.PayloadStorage);
        Assert.Equal(GC.MaxGeneration, GC.GetGeneration(buffer.PayloadStorage));
        var output = new byte[1488];
        Assert.Equal(JitterPopKind.Packet, buffer.Pop(output).Kind);
        var pop = buffer.Pop(output);
        Assert.Equal(JitterPopKind.Packet, pop.Kind);
        Assert.Equal(large, output.AsSpan(0, pop.PayloadLength).ToArray());
    }

    [Fact]
    public void Reordered_packets_are_played_in_sequence()
    {
        var h = new Harness();
        // Swap every pair: 1 arrives before 0, 3 before 2, …
        var schedule = Enumerable.Range(0, 60).Select(s => (s, (uint)((s ^ 1) * Frame)));
        h.Run(schedule, 62);
        var played = h.Played;
        Assert.Equal(played.OrderBy(s => s), played);
        Assert.True(played.Count >= 56, $"played {played.Count}");
        Assert.Equal(0, h.Buffer.Statistics.TooLate);
    }

    [Fact]
    public void Duplicates_are_dropped_whether_buffered_or_already_played()
    {
        var h = new Harness();
        Assert.Equal(JitterPush.AcceptedAfterReset, h.Push(0, 0));
        Assert.Equal(JitterPush.Accepted, h.Push(1, 160));
        Assert.Equal(JitterPush.Duplicate, h.Push(1, 170));
        Assert.Equal(JitterPopKind.Packet, h.Pop().Kind);
        Assert.Equal(JitterPush.TooLate, h.Push(0, 330));
        Assert.Equal(1, h.Buffer.Statistics.Duplicates);
        Assert.Equal(1, h.Buffer.Statistics.TooLate);
    }

    [Fact]
    public void A_lost_packet_is_reported_once_and_its_late_arrival_is_dropped()
    {
        var h = new Harness();
        h.Run(Enumerable.Range(0, 40).Where(s => s != 10).Select(s => (s, (uint)(s * Frame))), 20);
        Assert.Contains(h.Pops, p => p.Kind == JitterPopKind.Lost && p.SequenceNumber == 10);
        Assert.Equal(1, h.Buffer.Statistics.Lost);
        Assert.Equal(JitterPush.TooLate, h.Push(10, 40 * Frame));
        Assert.DoesNotContain(10, h.Played);
    }

    [Fact]
    public void Burst_loss_is_concealed_frame_by_frame_and_play_resumes()
    {
        var h = new Harness();
        h.Run(Enumerable.Range(0, 80).Where(s => s is < 20 or >= 26).Select(s => (s, (uint)(s * Frame))), 80);
        Assert.Equal(6, h.Pops.Count(p => p.Kind == JitterPopKind.Lost));
        Assert.Contains(26, h.Played);
        Assert.Contains(70, h.Played);
    }

    [Fact]
    public void Depth_grows_with_measured_jitter_and_stays_bounded()
    {
        var random = new Random(5);
        var h = new Harness(new JitterBufferOptions { MaxDepth = 8 });
        // Network delay uniformly 0–100 ms (0–800 units) per packet.
        var schedule = Enumerable.Range(0, 400).Select(s => (s, (uint)((s * Frame) + random.Next(0, 800)))).ToList();
        h.Run(schedule, 405);
        var stats = h.Buffer.Statistics;
        Assert.InRange(stats.TargetDepth, 4, 8);
        Assert.True(stats.JitterTimestampUnits > 100, $"jitter {stats.JitterTimestampUnits}");
        var played = h.Played;
        Assert.Equal(played.OrderBy(s => s), played);
        // Once adapted, almost everything plays: losses only from the learning phase at the start.
        Assert.True(played.Count >= 370, $"played {played.Count}, lost {stats.Lost}, late {stats.TooLate}, underruns {stats.Underruns}");
    }

    [Fact]
    public void Depth_is_clamped_by_the_maximum_even_under_huge_jitter()
    {
        var random = new Random(6);
        var h = new Harness(new JitterBufferOptions { MaxDepth = 4, Capacity = 32 });
        h.Run(Enumerable.Range(0, 200).Select(s => (s, (uint)((s * Frame) + random.Next(0, 3000)))), 220);
        Assert.Equal(4, h.Buffer.TargetDepth);
        Assert.True(h.Buffer.Statistics.TooLate > 0);
    }

    [Fact]
    public void A_fast_sender_clock_does_not_let_latency_grow()
    {
        // The sender's 20 ms is 19 ms of ours (5 % drift): one extra packet every 20 frames must be shed.
        var h = new Harness();
        h.Run(Enumerable.Range(0, 1000).Select(s => (s, (uint)(s * Frame * 0.95))), 950);
        var stats = h.Buffer.Statistics;
        Assert.InRange(stats.Depth, 0, stats.TargetDepth + 3);
        Assert.True(stats.DroppedForLatency > 20, $"dropped {stats.DroppedForLatency}");
    }

    [Fact]
    public void A_burst_after_a_stall_is_cut_back_to_the_target_in_one_go_not_a_packet_per_window()
    {
        // Packets 50–74 are held up for half a second (a receive loop that did not run) and arrive with 75; the
        // stream then goes on in real time. Played once at first, that backlog would be 500 ms of added latency.
        var h = new Harness();
        h.Run(Enumerable.Range(0, 300).Select(s => (s, (uint)((s is >= 50 and < 75 ? 75 : s) * Frame))), 300);
        var played = h.Played;
        Assert.Equal(played.OrderBy(s => s), played);
        var cuts = played.Zip(played.Skip(1)).Where(p => p.Second != p.First + 1).ToList();
        var explain = $"cuts {string.Join(", ", cuts.Select(c => $"{c.First}→{c.Second}"))}";
        // The surplus goes in one cut (a packet per 200 ms would have chopped the next seconds 15 times over)…
        Assert.True(cuts.Count > 0 && cuts[0].Second - cuts[0].First > 15, explain);
        // …and later only the depth the jitter estimate stops asking for comes off, a packet at a time, far apart.
        Assert.All(cuts.Skip(1), c => Assert.Equal(2, c.Second - c.First));
        Assert.All(cuts.Zip(cuts.Skip(1)), c => Assert.True(c.Second.First - c.First.Second >= 20, explain));
        Assert.InRange(h.Buffer.Statistics.Depth, 0, h.Buffer.Statistics.TargetDepth + 2);
    }

    [Fact]
    public void A_slow_sender_clock_underruns_then_rebuffers()
    {
        // The sender's 20 ms is 21 ms of ours: the buffer drains and refills rather than playing garbage.
        var h = new Harness();
        h.Run(Enumerable.Range(0, 400).Select(s => (s, (uint)(s * Frame * 1.05))), 420);
        var stats = h.Buffer.Statistics;
        Assert.True(stats.Underruns >= 1);
        Assert.Equal(0, stats.Lost);
        Assert.Equal(h.Played.OrderBy(s => s), h.Played);
        Assert.True(h.Played.Count > 370, $"played {h.Played.Count}");
    }

    [Fact]
    public void A_new_ssrc_resets_the_stream()
    {
        var h = new Harness();
        h.Run(Enumerable.Range(0, 20).Select(s => (s, (uint)(s * Frame))), 20);
        Assert.Equal(JitterPush.AcceptedAfterReset, h.Push(5000, 20 * Frame, ssrc: 2));
        h.Push(5001, 21 * Frame, ssrc: 2);
        h.Push(5002, 22 * Frame, ssrc: 2);
        Assert.Equal(5000, h.Pop().SequenceNumber);
        Assert.Equal(1, h.Buffer.Statistics.Resets);
    }

    [Fact]
    public void Sequence_and_timestamp_jumps_within_one_ssrc_restart_playout()
    {
        var h = new Harness();
        h.Run(Enumerable.Range(0, 20).Select(s => (s, (uint)(s * Frame))), 20);
        Assert.Equal(JitterPush.AcceptedAfterReset, h.Push(30000, 20 * Frame, timestamp: 999_999));
        h.Push(30001, 21 * Frame, timestamp: 999_999 + Frame);
        var pop = h.Pop();
        Assert.Equal(JitterPopKind.Packet, pop.Kind);
        Assert.Equal(30000, pop.SequenceNumber);
        Assert.Equal(999_999u, pop.Timestamp);
    }

    [Fact]
    public void Sequence_wrap_is_seamless()
    {
        var h = new Harness();
        h.Run(Enumerable.Range(65500, 80).Select(s => (s & 0xFFFF, (uint)((s - 65500) * Frame))), 80);
        Assert.Equal(0, h.Buffer.Statistics.Resets);
        Assert.Equal(0, h.Buffer.Statistics.Lost);
        Assert.Contains(65535, h.Played);
        Assert.Contains(10, h.Played);
    }

    [Fact]
    public void Oversized_payloads_and_packets_too_far_ahead_are_bounded()
    {
        var buffer = new JitterBuffer(new JitterBufferOptions { MaxPayloadSize = 100, Capacity = 16 });
        Assert.Equal(JitterPush.TooLarge, buffer.Push(new byte[101], 0, 0, 1, 0, false, 0));
        for (var s = 0; s < 40; s++)
        {
            buffer.Push(new byte[10], (ushort)s, (uint)(s * Frame), 1, 0, false, (uint)(s * Frame));
        }
        Assert.InRange(buffer.Depth, 1, 16);
        Assert.True(buffer.Statistics.Overflowed > 0);
    }

    [Fact]
    public void Push_and_pop_do_not_allocate()
    {
        var buffer = new JitterBuffer();
        var payload = new byte[160];
        var output = new byte[1200];
        for (var s = 0; s < 100; s++)
        {
            buffer.Push(payload, (ushort)s, (uint)(s * Frame), 1, 0, false, (uint)(s * Frame));
            buffer.Pop(output);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var s = 100; s < 1100; s++)
        {
            buffer.Push(payload, (ushort)s, (uint)(s * Frame), 1, 0, false, (uint)(s * Frame));
            buffer.Pop(output);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
