using Ncco.Media.Mixing;
using Ncco.Tests.Shared;

namespace Ncco.Media.Tests.Mixing;

/// <summary>
/// The O(N) mixer (total minus own, shared mix for non-speakers, skipped zero frames) against a brute-force reference
/// that sums, for every listener, every other participant allowed to reach it — over random rooms and random options.
/// </summary>
public class ConferenceMixerReferenceTests
{
    private sealed record Party(string Id, ConferenceParticipantOptions Options, short[]? Frame);

    [Theory]
    [InlineData(8000, 1)]
    [InlineData(16000, 2)]
    [InlineData(11025, 3)] // 220-sample frames: not a multiple of any vector width, so the scalar tails run too
    public void Matches_a_brute_force_mix_for_random_rooms(int rate, int seed)
    {
        var random = new Random(seed);
        var frame = rate / 50;
        var m = new ConferenceMixer(rate);
        m.Start();
        const int parties = 23;
        var ids = Enumerable.Range(0, parties).Select(i => "p" + i).ToArray();
        foreach (var id in ids)
        {
            m.Join(id);
        }
        for (var tick = 0; tick < 60; tick++)
        {
            var room = ids.Select(id => RandomParty(random, id, ids, frame)).ToArray();
            foreach (var p in room)
            {
                var participant = m.Participants.Single(x => x.Id == p.Id);
                participant.Apply(p.Options);
                if (p.Frame is not null)
                {
                    participant.WriteInput(p.Frame);
                }
            }
            m.Mix();
            foreach (var listener in room)
            {
                var expected = Reference(room, listener, frame);
                Assert.Equal(expected, m.Participants.Single(x => x.Id == listener.Id).Output.ToArray());
            }
            Assert.Equal(ReferenceRecording(room, frame), m.RecordingMix.ToArray());
        }
    }

    [Fact]
    public void A_lone_talker_hears_silence_and_everybody_else_hears_it_exactly()
    {
        var m = new ConferenceMixer(16000);
        m.Start();
        var talker = m.Join("talker");
        var others = Enumerable.Range(0, 40).Select(i => m.Join("l" + i)).ToArray();
        var speech = Enumerable.Range(0, 320).Select(i => (short)(i * 97 % 20000 - 10000)).ToArray();
        talker.WriteInput(speech);
        foreach (var o in others)
        {
            o.WriteInput(new short[320]); // sending, but exact silence
        }
        m.Mix();
        Assert.All(talker.Output.ToArray(), s => Assert.Equal(0, s));
        foreach (var o in others)
        {
            Assert.Equal(speech, o.Output.ToArray());
        }
    }

    [Fact]
    public void A_participant_never_hears_itself_even_when_clipping()
    {
        var m = new ConferenceMixer(8000);
        m.Start();
        var loud = Enumerable.Repeat((short)30000, 160).ToArray();
        var a = m.Join("a");
        var b = m.Join("b");
        var c = m.Join("c");
        a.WriteInput(loud);
        b.WriteInput(loud);
        c.WriteInput(Enumerable.Repeat((short)5, 160).ToArray());
        m.Mix();
        // a hears b + c = 30005 (not clipped by its own 30000 in the total of 60005).
        Assert.Equal(30005, a.Output[0]);
        Assert.Equal(short.MaxValue, c.Output[0]);
    }

    [Fact]
    public void Whispers_reach_only_the_named_listeners_and_can_hear_lists_filter()
    {
        var m = new ConferenceMixer(8000);
        m.Start();
        var agent = m.Join("agent");
        var customer = m.Join("customer");
        var coach = m.Join("coach", new ConferenceParticipantOptions(CanSpeak: ["agent", "coach", "nobody"]));
        var monitor = m.Join("monitor", new ConferenceParticipantOptions(CanHear: ["coach", "customer"], Mute: true));
        agent.WriteInput(Enumerable.Repeat((short)1, 160).ToArray());
        customer.WriteInput(Enumerable.Repeat((short)10, 160).ToArray());
        coach.WriteInput(Enumerable.Repeat((short)100, 160).ToArray());
        monitor.WriteInput(Enumerable.Repeat((short)1000, 160).ToArray());
        m.Mix();
        Assert.Equal(110, agent.Output[0]);   // customer + the coach's whisper, not the muted monitor
        Assert.Equal(1, customer.Output[0]);  // the agent only
        Assert.Equal(11, coach.Output[0]);    // not itself although its list names it
        Assert.Equal(10, monitor.Output[0]);  // the customer; the coach does not speak to the monitor
        Assert.Equal(111, m.RecordingMix[0]); // every unmuted voice, whispers included
    }

    [Fact]
    public void Mute_changes_take_effect_at_the_next_tick()
    {
        var m = new ConferenceMixer(8000);
        m.Start();
        var a = m.Join("a");
        var b = m.Join("b");
        var voice = Enumerable.Repeat((short)42, 160).ToArray();
        a.WriteInput(voice);
        m.Mix();
        Assert.Equal(42, b.Output[0]);
        a.Apply(new ConferenceParticipantOptions(Mute: true));
        a.WriteInput(voice);
        m.Mix();
        Assert.Equal(0, b.Output[0]);
        Assert.Equal(0, m.RecordingMix[0]);
        a.Apply(ConferenceParticipantOptions.Default);
        a.WriteInput(voice);
        m.Mix();
        Assert.Equal(42, b.Output[0]);
    }

    [Fact]
    public void A_tick_allocates_nothing()
    {
        var m = new ConferenceMixer(16000);
        m.Start();
        var frame = Enumerable.Range(0, 320).Select(i => (short)(i * 31 % 4000)).ToArray();
        for (var i = 0; i < 30; i++)
        {
            m.Join("p" + i, i switch
            {
                0 => new ConferenceParticipantOptions(CanSpeak: ["p1", "p2"]),
                1 => new ConferenceParticipantOptions(CanHear: ["p0", "p5"]),
                2 => new ConferenceParticipantOptions(Mute: true),
                3 => new ConferenceParticipantOptions(Earmuff: true),
                _ => null,
            });
        }
        void Tick()
        {
            for (var i = 0; i < m.Participants.Count; i++)
            {
                if (i % 3 != 0) m.Participants[i].WriteInput(frame);
            }
            m.Mix();
            _ = m.RecordingMix;
        }
        SteadyStateAllocation.AssertNone(Tick, 200);
    }

    private static Party RandomParty(Random random, string id, string[] ids, int frame)
    {
        IReadOnlyCollection<string>? Subset() => random.Next(4) == 0 ? ids.Where(_ => random.Next(3) == 0).ToArray() : null;
        var mute = random.Next(8) == 0;
        var options = new ConferenceParticipantOptions(
            CanSpeak: mute ? null : Subset(),
            CanHear: Subset(),
            Mute: mute,
            Earmuff: random.Next(10) == 0);
        short[]? audio = random.Next(6) switch
        {
            0 => null,                 // nothing received this tick
            1 => new short[frame],     // exact silence
            2 => Enumerable.Range(0, frame).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray(), // loud: clipping
            _ => Enumerable.Range(0, frame).Select(_ => (short)random.Next(-3000, 3001)).ToArray(),
        };
        return new Party(id, options, audio);
    }

    private static short[] Reference(Party[] room, Party listener, int frame)
    {
        var acc = new long[frame];
        if (!listener.Options.Earmuff)
        {
            foreach (var q in room)
            {
                if (q == listener || q.Frame is null || q.Options.Mute) continue;
                if (q.Options.CanSpeak is { } speak && !speak.Contains(listener.Id)) continue;
                if (listener.Options.CanHear is { } hear && !hear.Contains(q.Id)) continue;
                for (var i = 0; i < frame; i++) acc[i] += q.Frame[i];
            }
        }
        return acc.Select(v => (short)Math.Clamp(v, short.MinValue, short.MaxValue)).ToArray();
    }

    private static short[] ReferenceRecording(Party[] room, int frame)
    {
        var acc = new long[frame];
        foreach (var q in room)
        {
            if (q.Frame is null || q.Options.Mute) continue;
            for (var i = 0; i < frame; i++) acc[i] += q.Frame[i];
        }
        return acc.Select(v => (short)Math.Clamp(v, short.MinValue, short.MaxValue)).ToArray();
    }
}
