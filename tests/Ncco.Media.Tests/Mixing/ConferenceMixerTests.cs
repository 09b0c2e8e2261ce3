using Ncco.Media.Mixing;
using Ncco.Media.Pcm;

namespace Ncco.Media.Tests.Mixing;

public class ConferenceMixerTests
{
    private static short[] Constant(short v) => Enumerable.Repeat(v, 160).ToArray();

    [Fact]
    public void Everyone_hears_the_others_but_not_themselves()
    {
        var m = new ConferenceMixer(8000);
        m.Start();
        var a = m.Join("a");
        var b = m.Join("b");
        var c = m.Join("c");
        a.WriteInput(Constant(100));
        b.WriteInput(Constant(20));
        c.WriteInput(Constant(3));
        m.Mix();
        Assert.Equal(23, a.Output[0]);
        Assert.Equal(103, b.Output[0]);
        Assert.Equal(120, c.Output[0]);
        Assert.Equal(123, m.RecordingMix[0]);
    }

    [Fact]
    public void Can_speak_and_can_hear_restrict_routing()
    {
        var m = new ConferenceMixer(8000);
        m.Start();
        var agent = m.Join("agent");
        var customer = m.Join("customer");
        var supervisor = m.Join("supervisor", new ConferenceParticipantOptions(CanSpeak: ["agent"]));
        var listener = m.Join("listener", new ConferenceParticipantOptions(CanHear: ["customer"]));
        agent.WriteInput(Constant(1));
        customer.WriteInput(Constant(10));
        supervisor.WriteInput(Constant(100));
        listener.WriteInput(Constant(1000));
        m.Mix();
        Assert.Equal(1110, agent.Output[0]);      // customer + supervisor whisper + listener
        Assert.Equal(1001, customer.Output[0]);   // not the supervisor
        Assert.Equal(1011, supervisor.Output[0]);
        Assert.Equal(10, listener.Output[0]);     // only the customer
    }

    [Fact]
    public void Mute_and_earmuff()
    {
        var m = new ConferenceMixer(8000);
        m.Start();
        var a = m.Join("a", new ConferenceParticipantOptions(Mute: true));
        var b = m.Join("b", new ConferenceParticipantOptions(Earmuff: true));
        var c = m.Join("c");
        a.WriteInput(Constant(100));
        b.WriteInput(Constant(20));
        c.WriteInput(Constant(3));
        m.Mix();
        Assert.Equal(23, a.Output[0]);
        Assert.Equal(0, b.Output[0]);
        Assert.Equal(20, c.Output[0]);
        Assert.Equal(23, m.RecordingMix[0]); // muted audio is not recorded
        Assert.Throws<ArgumentException>(() => a.Apply(new ConferenceParticipantOptions(CanSpeak: [], Mute: true)));
    }

    [Fact]
    public void Sums_saturate_instead_of_wrapping()
    {
        var m = new ConferenceMixer(8000);
        m.Start();
        var listener = m.Join("l");
        for (var i = 0; i < 5; i++)
        {
            m.Join("p" + i).WriteInput(Constant(20000));
        }
        m.Join("n").WriteInput(Constant(-30000));
        m.Mix();
        Assert.Equal(short.MaxValue, listener.Output[0]); // 100000 - 30000 clipped once at the end
        Assert.Equal(short.MaxValue, m.RecordingMix[0]);
    }

    [Fact]
    public void Music_on_hold_until_started()
    {
        var moh = new BufferAudioSource(Constant(7), 8000, loop: 0);
        var m = new ConferenceMixer(8000, moh);
        var a = m.Join("a");
        var b = m.Join("b");
        a.WriteInput(Constant(100));
        m.Mix();
        Assert.Equal(7, a.Output[0]);
        Assert.Equal(7, b.Output[0]);
        m.Start();
        a.WriteInput(Constant(100));
        m.Mix();
        Assert.Equal(100, b.Output[0]);
        Assert.Equal(0, a.Output[0]);
        m.Mix(); // no input written this tick: silence, not last tick's audio
        Assert.Equal(0, b.Output[0]);
    }

    [Fact]
    public void Fifty_parties()
    {
        var m = new ConferenceMixer(16000);
        m.Start();
        for (var i = 0; i < 50; i++)
        {
            m.Join("p" + i).WriteInput(Enumerable.Repeat((short)(i + 1), 320).ToArray());
        }
        m.Mix();
        var total = 50 * 51 / 2;
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(total - (i + 1), m.Participants[i].Output[319]);
        }
    }
}
