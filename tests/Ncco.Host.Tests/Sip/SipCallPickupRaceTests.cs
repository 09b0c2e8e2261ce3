using System.Globalization;
using System.Text.Json;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Xunit.Abstractions;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// Issue 17: call pick-up (RFC 3891 §3) racing the callee's own answer. The ringing extension sends 200 and another
/// phone sends its INVITE with Replaces at the same moment, in either order on the wire. Whichever the host takes, the
/// leg is answered once, by exactly one of the two; the other is ended (481 or BYE for the pick-up, ACK then BYE for
/// the extension's 2xx, RFC 3261 §13.2.2.4); audio flows both ways between the caller and the one that won; the caller's
/// hang-up ends it. The two phones are the host's own SIP stack, so the race is as tight as loopback allows.
/// </summary>
public sealed class SipCallPickupRaceTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;
    private SipHostHarness _h = null!;

    public SipCallPickupRaceTests(ITestOutputHelper output) => _output = output;

    public async Task InitializeAsync() => _h = await SipHostHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task When_the_callee_answers_as_the_pickup_arrives_one_of_them_is_the_leg_and_the_other_is_ended(bool calleeFirst)
    {
        // RTP blocks clear of the host's (20000–39999) and of the other phone tests' picks (40000–43999).
        var block = 44000 + (Random.Shared.Next(0, 60) * 60);
        await using var callee = TestSoftphone.Listen(block);
        callee.SendTone = true;
        _h.App.Ncco("/answer", $$"""
            [{"action":"connect","timeout":20,"endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1:{{callee.SipPort.ToString(CultureInfo.InvariantCulture)}}"}]}]
            """);
        await using var caller = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.Number, block + 20);
        caller.SendTone = true;
        await caller.AnsweredAsync(Limit);

        await callee.RingAsync(Limit);
        var started = (await _h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("status", out var s) && s.GetString() == "started"
            && j.TryGetProperty("direction", out var d) && d.GetString() == "outbound", Limit)).Json!.Value;
        var legId = started.GetProperty("uuid").GetString()!;
        // The 180 has reached the host once the leg is ringing: the early dialog the pick-up names exists there.
        await _h.App.WaitForStatusAsync(legId, "ringing", Limit);
        var ringing = callee.Incoming!;
        var replaces = new SipHeader("Replaces", $"{ringing.CallId};to-tag={ringing.LocalTag};from-tag={ringing.Invite.From.Tag}");

        TestSoftphone picker;
        if (calleeFirst)
        {
            callee.AnswerRinging();
            picker = await TestSoftphone.CallAsync(_h.Sip, "bob", block + 40, [replaces]);
        }
        else
        {
            var picking = TestSoftphone.CallAsync(_h.Sip, "bob", block + 40, [replaces]);
            callee.AnswerRinging();
            picker = await picking;
        }
        await using var _ = picker;
        picker.SendTone = true;
        await _h.App.WaitForStatusAsync(legId, "answered", Limit);

        // Settle: exactly one of the two keeps a confirmed dialog with the host, and stays the only one.
        bool PickerAlive() => picker.Call!.Completion.IsCompletedSuccessfully && picker.Call.Completion.Result.IsSuccess && !picker.Call.IsEnded;
        bool CalleeAlive() => !ringing.IsEnded;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (PickerAlive() == CalleeAlive() || !picker.Call!.Completion.IsCompleted)
        {
            Assert.True(waited.Elapsed < Limit, $"still undecided: pick-up alive {PickerAlive()}, callee alive {CalleeAlive()}");
            await Task.Delay(20);
        }
        await Task.Delay(500);
        Assert.True(PickerAlive() != CalleeAlive(), $"after settling: pick-up alive {PickerAlive()}, callee alive {CalleeAlive()}");
        var (winner, loser) = PickerAlive() ? (picker, callee) : (callee, picker);
        // The pick-up's media starts at its 200 (the callee's started when it answered).
        if (winner == picker) await picker.AnsweredAsync(Limit);
        _output.WriteLine(PickerAlive()
            ? $"the pick-up won; the callee's dialog ended ({(await ringing.Ended).Reason})"
            : $"the callee won; the pick-up got {(await picker.Call!.Completion).StatusCode}{((await picker.Call.Completion).IsSuccess ? " then BYE" : "")}");

        // Audio both ways between the caller and the winner, none to the loser.
        var heardByCaller = caller.FramesVoiced;
        var heardByWinner = winner.FramesVoiced;
        var heardByLoser = loser.FramesVoiced;
        waited.Restart();
        while (caller.FramesVoiced - heardByCaller < 25 || winner.FramesVoiced - heardByWinner < 25)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15),
                $"caller heard {caller.FramesVoiced - heardByCaller} and the winner {winner.FramesVoiced - heardByWinner} voiced frames since the race settled");
            await Task.Delay(20);
        }
        Assert.Equal(heardByLoser, loser.FramesVoiced);

        // The caller hangs up: the winner's dialog gets BYE, and the leg reports one answer and one completion.
        await caller.Call!.HangupAsync();
        var winnerEnd = winner == picker ? picker.Call!.Ended : ringing.Ended;
        Assert.Equal(CallEndReason.RemoteHangup, (await winnerEnd.WaitAsync(Limit)).Reason);
        await _h.App.WaitForStatusAsync(legId, "completed", Limit);
        Assert.Equal(["started", "ringing", "answered", "completed"], StatusesOf(legId).Select(j => j.GetProperty("status").GetString()).ToList());
        Assert.Single(_h.App.All, w => w.Path == "/answer");
    }

    private IEnumerable<JsonElement> StatusesOf(string uuid) =>
        _h.App.All.Where(w => w.Json is { } j && j.TryGetProperty("uuid", out var u) && u.GetString() == uuid && j.TryGetProperty("status", out _))
            .Select(w => w.Json!.Value);
}
