using System.Globalization;
using System.Text.Json;
using Ncco.Host.Tests.MediaPlane;
using Ncco.Host.Tests.Support;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// <c>connect</c>'s options with SIP legs on both sides, checked by what the phones hear: <c>onAnswer</c> (the callee hears
/// its NCCO before the bridge), <c>ringbackTone</c> (the caller hears it while the callee rings, until the answer),
/// <c>limit</c> (the bridge ends, the caller's NCCO goes on) and <c>timeout</c> (the ringing callee is CANCELled).
/// </summary>
public sealed class SipConnectOptionsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>A free block of 20 RTP ports for a test phone, below the host's blocks (20000 and up).</summary>
    private static int PhonePorts() => 10000 + (Random.Shared.Next(0, 450) * 20);

    private const string AfterConnect = "The other party has gone. This is the rest of the call, spoken after the connect action.";

    [Fact]
    public async Task OnAnswer_plays_its_ncco_to_the_answered_callee_before_the_caller_is_bridged()
    {
        await using var callee = TestSoftphone.Listen(PhonePorts());
        await using var h = await SipHostHarness.StartAsync("--Ncco:Sip:Trunks:0:Name=carrier",
            $"--Ncco:Sip:Trunks:0:Address=127.0.0.1:{callee.SipPort.ToString(CultureInfo.InvariantCulture)}", "--Ncco:Sip:Trunks:0:Prefixes:0=44");
        h.App.Ncco("/whisper", """[{"action":"talk","text":"You have a call from the gateway. Connecting you to the caller now."}]""");
        h.App.Ncco("/answer", $$"""
            [{"action":"connect","timeout":20,"from":"{{SipHostHarness.Number}}",
              "endpoint":[{"type":"phone","number":"447700900456","onAnswer":{"url":"{{h.App.Url("whisper")}}"} }]}]
            """);
        await using var caller = await TestSoftphone.CallAsync(h.Sip, SipHostHarness.User, PhonePorts());
        await caller.AnsweredAsync(Limit);
        await callee.AnswerAsync(Limit);
        // The callee talks from the start: the caller must not hear it until the whisper is over.
        callee.SendTone = true;

        await WaitUntilAsync(() => callee.FramesVoiced >= 25 && callee.SilentRun >= 10, () => $"callee heard {callee.FramesVoiced} voiced frames of the onAnswer talk");
        var whisper = await h.App.WaitForAsync(w => w.Path == "/whisper", Limit);
        var calleeUuid = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(whisper.Query)["uuid"].ToString();
        Assert.True(caller.FramesVoiced < 5, $"the caller heard {caller.FramesVoiced} voiced frames before the callee was bridged");

        // Then the two are bridged: the caller hears the callee.
        await WaitUntilAsync(() => caller.FramesVoiced >= 25, () => $"caller heard {caller.FramesVoiced} voiced frames after the whisper");
        // The callee's `answered` may come before or after the whisper's webhook (the wait above may have passed it).
        await WaitUntilAsync(() => h.App.HasStatus(calleeUuid, "answered"), () => "no answered event for the callee");
    }

    [Fact]
    public async Task RingbackTone_is_heard_by_the_caller_while_the_callee_rings_and_stops_on_the_answer()
    {
        await using var h = await SipHostHarness.StartAsync();
        var tone = TestAudio.Tone(425, 2, 16000);
        var wav = TestAudio.WavBytes(tone, 16000);
        h.App.Handle("/ringback.wav", async c =>
        {
            c.Response.ContentType = "audio/wav";
            await c.Response.Body.WriteAsync(wav);
        });
        await using var callee = TestSoftphone.Listen(PhonePorts());
        h.App.Ncco("/answer", $$"""
            [{"action":"connect","timeout":20,"ringbackTone":"{{h.App.Url("ringback.wav")}}",
              "endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1:{{callee.SipPort}}"}]}]
            """);
        await using var caller = await TestSoftphone.CallAsync(h.Sip, SipHostHarness.Number, PhonePorts());
        await caller.AnsweredAsync(Limit);
        await callee.RingAsync(Limit);

        // While the callee rings, the caller hears the 425 Hz ringback (looped, so it keeps going).
        await WaitUntilAsync(() =>
        {
            var heard = caller.Received();
            return heard.Length >= 8000 && TestAudio.ToneShare(heard.AsSpan(heard.Length - 4000), 425, 8000) > 0.8;
        }, () => "the caller did not hear the 425 Hz ringback");

        // The callee answers (sending silence): the ringback stops.
        callee.AnswerRinging();
        var answeredAt = caller.ReceivedCount;
        await WaitUntilAsync(() => caller.ReceivedCount - answeredAt >= 8000 * 2, () => "the caller heard nothing after the answer");
        var after = caller.ReceivedSince(answeredAt);
        var lastSecond = after.AsSpan(after.Length - 8000);
        Assert.True(TestAudio.VoicedSeconds(lastSecond, 8000) < 0.1, $"the ringback went on after the answer ({TestAudio.VoicedSeconds(lastSecond, 8000):F2} s voiced)");

        // And the bridge carries the callee's voice instead.
        var before = caller.FramesVoiced;
        callee.SendTone = true;
        await WaitUntilAsync(() => caller.FramesVoiced >= before + 25, () => "the caller did not hear the callee after the answer");
        var heardTone = caller.ReceivedSince(caller.ReceivedCount - 4000);
        Assert.True(TestAudio.ToneShare(heardTone, 400, 8000) > 0.5, "what the caller hears after the answer is not the callee's 400 Hz tone");
    }

    [Fact]
    public async Task Limit_ends_the_bridged_callee_after_its_seconds_and_the_callers_ncco_continues()
    {
        await using var h = await SipHostHarness.StartAsync();
        await using var callee = TestSoftphone.Listen(PhonePorts());
        h.App.Ncco("/answer", $$"""
            [{"action":"connect","timeout":20,"limit":3,"endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1:{{callee.SipPort}}"}]},
             {"action":"talk","text":"{{AfterConnect}}"}]
            """);
        await using var caller = await TestSoftphone.CallAsync(h.Sip, SipHostHarness.Number, PhonePorts());
        await caller.AnsweredAsync(Limit);
        await callee.AnswerAsync(Limit);
        var bridged = System.Diagnostics.Stopwatch.StartNew();

        // The host hangs the callee up (BYE) once the limit has run…
        var end = await callee.Incoming!.Ended.WaitAsync(Limit);
        Assert.Equal(Ncco.Sip.Dialogs.CallEndReason.RemoteHangup, end.Reason);
        Assert.InRange(bridged.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(15));
        var answered = await h.App.WaitForAsync(w => Status(w) == "answered" && Direction(w) == "outbound", Limit);
        var calleeUuid = answered.Json!.Value.GetProperty("uuid").GetString()!;
        var completed = (await h.App.WaitForStatusAsync(calleeUuid, "completed", Limit)).Json!.Value;
        Assert.Equal("platform", completed.GetProperty("disconnected_by").GetString());
        // (Its `duration` comes from the host's clock, which the test fixture holds still: the stopwatch above times the limit.)

        // …and the caller stays, hearing the next action.
        var voiced = caller.FramesVoiced;
        await WaitUntilAsync(() => caller.FramesVoiced >= voiced + 25, () => "the caller did not hear the talk after the connect");
        Assert.False(caller.Call!.IsEnded);
    }

    [Fact]
    public async Task Timeout_cancels_the_ringing_callee_reports_timeout_and_the_callers_ncco_continues()
    {
        await using var h = await SipHostHarness.StartAsync();
        var port = Sipp.FreeUdpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(port), "-sf", Sipp.Scenario("Sip/Scenarios/uas-ring-until-cancel.xml")], Limit);
        h.App.Ncco("/answer", $$"""
            [{"action":"connect","timeout":3,"endpoint":[{"type":"sip","uri":"sip:erin@127.0.0.1:{{port.ToString(CultureInfo.InvariantCulture)}}"}]},
             {"action":"talk","text":"{{AfterConnect}}"}]
            """);
        await using var caller = await TestSoftphone.CallAsync(h.Sip, SipHostHarness.Number, PhonePorts());
        await caller.AnsweredAsync(Limit);

        var ringing = await Sipp.Before(h.App.WaitForAsync(w => Status(w) == "ringing" && Direction(w) == "outbound", Limit), sipp, Limit);
        var rang = System.Diagnostics.Stopwatch.StartNew();
        var calleeUuid = ringing.Json!.Value.GetProperty("uuid").GetString()!;
        await h.App.WaitForStatusAsync(calleeUuid, "timeout", Limit);
        Assert.True(rang.Elapsed > TimeSpan.FromSeconds(2), $"timeout after {rang.Elapsed} of ringing, not 3 s");
        // SIPp ends cleanly only if our CANCEL came and our ACK answered its 487.
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.DoesNotContain(h.App.All, w => Status(w) == "answered" && Direction(w) == "outbound");

        await WaitUntilAsync(() => caller.FramesVoiced >= 25, () => "the caller did not hear the talk after the connect");
        Assert.False(caller.Call!.IsEnded);
    }

    private static string? Status(ReceivedWebhook w) =>
        w.Json is { } j && j.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;

    private static string? Direction(ReceivedWebhook w) =>
        w.Json is { } j && j.TryGetProperty("direction", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> explain)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < Limit, explain());
            await Task.Delay(50);
        }
    }
}
