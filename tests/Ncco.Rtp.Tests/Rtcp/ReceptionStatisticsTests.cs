using Ncco.Rtp.Rtcp;

namespace Ncco.Rtp.Tests.Rtcp;

public sealed class ReceptionStatisticsTests
{
    private static ReceptionStatistics Started(ushort first)
    {
        var stats = new ReceptionStatistics(5, first);
        Assert.False(stats.UpdateSequence(first));       // probation: the first packet alone proves nothing
        Assert.True(stats.UpdateSequence((ushort)(first + 1)));
        return stats;
    }

    [Fact]
    public void Sequence_numbers_are_extended_across_the_wrap()
    {
        var stats = Started(65530);
        for (var s = 65532; s < 65536 + 10; s++)
        {
            Assert.True(stats.UpdateSequence((ushort)s));
        }
        Assert.Equal(65536u + 9, stats.ExtendedHighestSequence);
        Assert.Equal(15u, stats.Expected); // 65531 (first valid) … 65545
        Assert.Equal(15u, stats.Received);
        Assert.Equal(0, stats.CumulativeLost);
    }

    [Fact]
    public void Loss_and_fraction_lost_per_interval()
    {
        var stats = Started(1000);
        for (var s = 1002; s < 1100; s++)
        {
            if (s % 10 != 0)
            {
                stats.UpdateSequence((ushort)s);
            }
        }
        // 1001..1099 expected = 100 (from 1001); lost 1010, 1020, …, 1090 = 9 packets.
        Assert.Equal(9, stats.CumulativeLost);
        var block = stats.CreateReportBlock(0, TimeSpan.TicksPerSecond);
        Assert.Equal(9, block.CumulativeLost);
        Assert.Equal((byte)(9 * 256 / 100), block.FractionLost);
        // A clean next interval reports no fraction lost, cumulative unchanged.
        for (var s = 1100; s < 1150; s++)
        {
            stats.UpdateSequence((ushort)s);
        }
        var next = stats.CreateReportBlock(0, TimeSpan.TicksPerSecond);
        Assert.Equal(0, next.FractionLost);
        Assert.Equal(9, next.CumulativeLost);
    }

    [Fact]
    public void Duplicates_and_reordering_inside_the_window_are_counted_but_do_not_move_the_highest()
    {
        var stats = Started(10);
        Assert.True(stats.UpdateSequence(13));
        Assert.True(stats.UpdateSequence(12)); // late
        Assert.True(stats.UpdateSequence(12)); // duplicate
        Assert.Equal(13u, stats.ExtendedHighestSequence);
        Assert.Equal(-1, stats.CumulativeLost); // expected 11..13 = 3, received 4 (RFC counts duplicates)
    }

    [Fact]
    public void A_big_jump_is_believed_only_when_the_next_packet_follows_it()
    {
        var stats = Started(100);
        Assert.False(stats.UpdateSequence(40000));
        Assert.True(stats.UpdateSequence(102)); // old stream continues: the jump was a stray packet
        Assert.False(stats.UpdateSequence(50000));
        Assert.True(stats.UpdateSequence(50001)); // sender restarted
        Assert.Equal(50001u, stats.ExtendedHighestSequence);
        Assert.Equal(1u, stats.Expected);
    }

    [Fact]
    public void Jitter_is_zero_for_perfect_pacing_and_follows_the_rfc_filter()
    {
        var stats = Started(1);
        for (uint i = 0; i < 100; i++)
        {
            stats.UpdateJitter(i * 160, 5000 + (i * 160));
        }
        Assert.Equal(0u, stats.Jitter);
        // Alternating ±80 units of delay: |D| = 160 every packet, J converges to 160.
        var jittery = Started(1);
        for (uint i = 0; i < 400; i++)
        {
            jittery.UpdateJitter(i * 160, (i * 160) + (i % 2 == 0 ? 0u : 160u));
        }
        Assert.InRange(jittery.Jitter, 150u, 160u);
    }

    [Fact]
    public void Lsr_and_dlsr_echo_the_last_sender_report()
    {
        var stats = Started(1);
        stats.OnSenderReport(0x12345678, TimeSpan.TicksPerSecond);
        var block = stats.CreateReportBlock(TimeSpan.TicksPerSecond * 3 / 2, TimeSpan.TicksPerSecond);
        Assert.Equal(0x12345678u, block.LastSenderReport);
        Assert.Equal(32768u, block.DelaySinceLastSenderReport); // 0.5 s in 1/65536 s
    }
}
