using System.Globalization;
using Ncco.Host.Tests.MediaPlane;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// Answering-machine detection on real SIP legs: REST <c>POST /v1/calls</c> with <c>machine_detection</c> /
/// <c>advanced_machine_detection</c> to a <c>sip</c> <c>to</c> answered by <see cref="TestSoftphone"/>, which says
/// espeak-ng speech (and a beep) into the call; the host's media thread decides from that audio.
/// </summary>
public sealed class SipMachineDetectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private SipHostHarness _h = null!;

    public async Task InitializeAsync() => _h = await SipHostHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static TestSoftphone Callee() => TestSoftphone.Listen(10000 + (Random.Shared.Next(0, 450) * 20));

    private static string Body(TestSoftphone callee, string amd) => $$"""
        {"to":[{"type":"sip","uri":"sip:amd@127.0.0.1:{{callee.SipPort.ToString(CultureInfo.InvariantCulture)}}"}],
         "from":{"type":"phone","number":"447700900000"},{{amd}},
         "ncco":[{"action":"talk","text":"Hello, this is your appointment reminder for tomorrow morning."}]}
        """;

    /// <summary>Answers, waits until the host has the answer (detection runs from then), then says <paramref name="audio"/>.</summary>
    /// <returns>Time since the answer reached the application.</returns>
    private async Task<System.Diagnostics.Stopwatch> AnswerAndSayAsync(TestSoftphone callee, string uuid, short[] audio)
    {
        await callee.AnswerAsync(Limit);
        await _h.App.WaitForStatusAsync(uuid, "answered", Limit);
        var sinceAnswer = System.Diagnostics.Stopwatch.StartNew();
        callee.Play(audio);
        return sinceAnswer;
    }

    private static async Task<short[]> VoicemailWithBeepAsync() => TestAudio.Concat(
        TestAudio.Silence(0.3, 8000), await TestSpeech.SynthesizeAsync(TestSpeech.Voicemail, 8000),
        TestAudio.Silence(0.5, 8000), TestAudio.Tone(1000, 0.5, 8000));

    [Fact]
    public async Task A_callee_who_says_hello_then_waits_is_human_and_then_hears_the_ncco()
    {
        await using var callee = Callee();
        var uuid = await _h.CreateCallAsync(Body(callee, "\"machine_detection\":\"continue\""));
        var hello = TestAudio.Concat(TestAudio.Silence(0.3, 8000), await TestSpeech.SynthesizeAsync(TestSpeech.Hello, 8000));
        var sinceAnswer = await AnswerAndSayAsync(callee, uuid, hello);

        var human = (await _h.App.WaitForStatusAsync(uuid, "human", Limit)).Json!.Value;
        var after = sinceAnswer.Elapsed;
        Assert.False(human.TryGetProperty("uuid", out _));
        // Decided from the greeting (about 2 s in), not by giving up: that answer would come 5 s (the analysis limit)
        // or 8 s (the VM's deadline) after the answer.
        Assert.True(after < TimeSpan.FromSeconds(4.5), $"human {after.TotalSeconds:F2} s after answer");
        Assert.False(_h.App.HasStatus(uuid, "machine"));
        // Standard detection is synchronous: the talk starts once the verdict is in.
        using var limit = new CancellationTokenSource(Limit);
        while (callee.FramesVoiced < 25) await Task.Delay(20, limit.Token);
    }

    [Fact]
    public async Task A_voicemail_greeting_is_a_machine_and_detect_beep_reports_beep_start_when_it_beeps()
    {
        await using var callee = Callee();
        var uuid = await _h.CreateCallAsync(Body(callee, """
            "advanced_machine_detection":{"behavior":"continue","mode":"detect_beep","beep_timeout":45}
            """));
        await AnswerAndSayAsync(callee, uuid, await VoicemailWithBeepAsync());

        var machine = (await _h.App.WaitForStatusAsync(uuid, "machine", Limit)).Json!.Value;
        Assert.False(machine.TryGetProperty("sub_state", out _));
        var beep = await _h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("sub_state", out var s) && s.GetString() == "beep_start"
            && j.GetProperty("call_uuid").GetString() == uuid, Limit);
        Assert.Equal("machine", beep.Json!.Value.GetProperty("status").GetString());
        Assert.False(_h.App.HasStatus(uuid, "human"));
        // Then the message is left after the beep.
        using var limit = new CancellationTokenSource(Limit);
        while (callee.FramesVoiced < 25) await Task.Delay(20, limit.Token);
    }

    [Fact]
    public async Task Machine_detection_hangup_hangs_up_on_a_voicemail_greeting()
    {
        await using var callee = Callee();
        var uuid = await _h.CreateCallAsync(Body(callee, "\"machine_detection\":\"hangup\""));
        await AnswerAndSayAsync(callee, uuid, await VoicemailWithBeepAsync());

        await _h.App.WaitForStatusAsync(uuid, "machine", Limit);
        var completed = (await _h.App.WaitForStatusAsync(uuid, "completed", Limit)).Json!.Value;
        Assert.Equal("platform", completed.GetProperty("disconnected_by").GetString());
        // The host's BYE reached the callee.
        Assert.Equal(Ncco.Sip.Dialogs.CallEndReason.RemoteHangup, (await callee.Incoming!.Ended.WaitAsync(Limit)).Reason);
        Assert.Equal(0, callee.FramesVoiced); // the reminder was never played to the machine
    }
}
