using System.Text.Json;

namespace Ncco.Host.Tests.Sip;

/// <summary>A softphone made of Ncco.Sip and Ncco.Rtp calls the host: real RTP both ways.</summary>
public sealed class SipAudioTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private SipHostHarness _h = null!;

    public async Task InitializeAsync() => _h = await SipHostHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task The_caller_hears_the_talk_and_an_rfc4733_key_completes_the_input()
    {
        _h.App.Ncco("/answer", $$"""
            [{"action":"talk","text":"Welcome to the gateway. Please press a key now."},
             {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":10},"eventUrl":["{{_h.App.Url("input")}}"]}]
            """);
        var rtpFirst = 40000 + (Random.Shared.Next(0, 200) * 20);
        await using var phone = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.User, rtpFirst);
        await phone.AnsweredAsync(Limit);

        // The talk is heard, then it ends (a stretch of silence) and the input listens.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!(phone.FramesVoiced >= 25 && phone.SilentRun >= 25))
        {
            Assert.True(waited.Elapsed < Limit, $"talk not heard in full: {phone.FramesVoiced} voiced of {phone.FramesHeard} frames heard");
            await Task.Delay(20);
        }
        // "Welcome to the gateway. Please press a key now." is a couple of seconds of speech at any TTS rate.
        Assert.InRange(phone.FramesVoiced, 25, 500);
        phone.Press('7');

        var input = (await _h.App.WaitForAsync(w => w.Path == "/input", Limit)).Json!.Value;
        Assert.Equal("7", input.GetProperty("dtmf").GetProperty("digits").GetString());
        Assert.Equal(JsonValueKind.False, input.GetProperty("dtmf").GetProperty("timed_out").ValueKind);
    }

    [Fact]
    public async Task A_key_sent_as_inband_tones_completes_the_input_through_the_media_engines_detector()
    {
        _h.App.Ncco("/answer", $$"""
            [{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":2,"timeOut":10},"eventUrl":["{{_h.App.Url("input")}}"]}]
            """);
        var rtpFirst = 42000 + (Random.Shared.Next(0, 100) * 20);
        await using var phone = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.User, rtpFirst);
        await phone.AnsweredAsync(Limit);
        // The VM starts the input in the same turn as it reports `answered`.
        await _h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("status", out var s) && s.GetString() == "answered", Limit);
        phone.PressInBand("42");

        var input = (await _h.App.WaitForAsync(w => w.Path == "/input", Limit)).Json!.Value;
        Assert.Equal("42", input.GetProperty("dtmf").GetProperty("digits").GetString());
    }

    [Fact]
    public async Task Two_softphones_bridged_by_connect_hear_each_other_through_the_mixer()
    {
        var rtpFirst = 44000 + (Random.Shared.Next(0, 200) * 40);
        await using var callee = TestSoftphone.Listen(rtpFirst + 20);
        _h.App.Ncco("/answer", $$"""
            [{"action":"connect","timeout":10,"endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1:{{callee.SipPort}}"}]}]
            """);
        await using var caller = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.Number, rtpFirst);
        await caller.AnsweredAsync(Limit);
        await callee.AnswerAsync(Limit);

        // Each side sends a tone in turn and the other must hear it: audio flows both ways through the conversation.
        caller.SendTone = true;
        await WaitUntilAsync(() => callee.FramesVoiced >= 25, () => $"callee heard {callee.FramesVoiced} voiced of {callee.FramesHeard} frames");
        caller.SendTone = false;
        var calleeHeard = callee.FramesVoiced;
        var callerBefore = caller.FramesVoiced;
        callee.SendTone = true;
        await WaitUntilAsync(() => caller.FramesVoiced >= callerBefore + 25, () => $"caller heard {caller.FramesVoiced - callerBefore} voiced frames");
        Assert.True(calleeHeard >= 25);

        // The callee hangs up: the bridge ends and the caller gets BYE (the connect had no NCCO after it).
        await callee.Incoming!.HangupAsync().WaitAsync(Limit);
        var end = await caller.Call!.Ended.WaitAsync(Limit);
        Assert.Equal(Ncco.Sip.Dialogs.CallEndReason.RemoteHangup, end.Reason);
    }

    [Fact]
    public async Task An_rfc4733_key_on_one_bridged_softphone_reaches_the_other_as_rfc4733_like_an_inband_key()
    {
        var rtpFirst = 44000 + (Random.Shared.Next(0, 200) * 40);
        await using var callee = TestSoftphone.Listen(rtpFirst + 20);
        _h.App.Ncco("/answer", $$"""
            [{"action":"connect","timeout":10,"endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1:{{callee.SipPort}}"}]}]
            """);
        await using var caller = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.Number, rtpFirst);
        await caller.AnsweredAsync(Limit);
        await callee.AnswerAsync(Limit);
        await WaitUntilBridgedAsync(caller, callee);

        // The same rule for keys signalled as events and keys in the audio: the other leg gets RFC 4733 events.
        caller.Press('5');
        await WaitUntilAsync(() => callee.KeysReceived == "5", () => $"callee received RFC 4733 keys '{callee.KeysReceived}'");
        caller.PressInBand("7");
        await WaitUntilAsync(() => callee.KeysReceived == "57", () => $"callee received RFC 4733 keys '{callee.KeysReceived}'");
        callee.Press('9');
        await WaitUntilAsync(() => caller.KeysReceived == "9", () => $"caller received RFC 4733 keys '{caller.KeysReceived}'");
    }

    [Fact]
    public async Task A_bridged_softphone_without_telephone_events_hears_the_other_ones_rfc4733_key_as_a_tone()
    {
        var rtpFirst = 44000 + (Random.Shared.Next(0, 200) * 40);
        await using var callee = TestSoftphone.Listen(rtpFirst + 20, telephoneEvents: false);
        _h.App.Ncco("/answer", $$"""
            [{"action":"connect","timeout":10,"endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1:{{callee.SipPort}}"}]}]
            """);
        await using var caller = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.Number, rtpFirst);
        await caller.AnsweredAsync(Limit);
        await callee.AnswerAsync(Limit);
        await WaitUntilBridgedAsync(caller, callee);

        var mark = callee.ReceivedCount;
        caller.Press('4');
        await WaitUntilAsync(() => TonesIn(callee.ReceivedSince(mark)) == "4", () => $"callee heard tones '{TonesIn(callee.ReceivedSince(mark))}'");
        Assert.Equal("", callee.KeysReceived);
    }

    /// <summary>Waits until each phone hears the other's tone: both legs are in the conversation's mix.</summary>
    private static async Task WaitUntilBridgedAsync(TestSoftphone caller, TestSoftphone callee)
    {
        caller.SendTone = true;
        await WaitUntilAsync(() => callee.FramesVoiced >= 10, () => $"callee heard {callee.FramesVoiced} voiced of {callee.FramesHeard} frames");
        caller.SendTone = false;
        var before = caller.FramesVoiced;
        callee.SendTone = true;
        await WaitUntilAsync(() => caller.FramesVoiced >= before + 10, () => $"caller heard {caller.FramesVoiced - before} voiced frames");
        callee.SendTone = false;
    }

    /// <summary>The keys found as tones in 8 kHz <paramref name="audio"/>.</summary>
    private static string TonesIn(short[] audio)
    {
        var detector = new Ncco.Media.Dtmf.DtmfDetector(8000);
        var found = new Ncco.Media.Dtmf.DtmfDetection[8];
        var keys = "";
        for (var i = 0; i + 160 <= audio.Length; i += 160)
        {
            var n = detector.Process(audio.AsSpan(i, 160), found);
            for (var k = 0; k < n; k++) if (!found[k].IsEnd) keys += found[k].Digit;
        }
        return keys;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> explain)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < Limit, explain());
            await Task.Delay(20);
        }
    }
}
