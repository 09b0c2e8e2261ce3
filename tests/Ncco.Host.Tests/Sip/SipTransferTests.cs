using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// Issue 17: a PBX phone transferring a call by REFER (RFC 3515), against the real host with SIPp peers on loopback: the
/// phone (caller), the other party (connected by the NCCO) and the transfer target.
/// </summary>
public sealed class SipTransferTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(40);
    private SipHostHarness _h = null!;

    public async Task InitializeAsync() => _h = await SipHostHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private string Target => $"127.0.0.1:{_h.Sip.Port.ToString(CultureInfo.InvariantCulture)}";

    private static async Task<string> ScenarioAsync(DirectoryInfo work, string name, params (string Key, string Value)[] replacements)
    {
        var text = await File.ReadAllTextAsync(Sipp.Scenario("Sip/Scenarios/" + name));
        foreach (var (key, value) in replacements) text = text.Replace(key, value, StringComparison.Ordinal);
        var file = Path.Combine(work.FullName, name);
        await File.WriteAllTextAsync(file, text);
        return file;
    }

    /// <summary>The leg the answer webhook was asked for, read before the caller's SIPp ends (so its failure shows).</summary>
    private async Task<string> AnsweredLegAsync(Task<Sipp.Result> caller)
    {
        var answer = await Sipp.Before(_h.App.WaitForAsync(w => w.Path == "/answer", Limit), caller, Limit);
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Query)["uuid"].ToString();
    }

    /// <summary>SIPp checked its side of the wire: the run passed, or its output says what it saw instead.</summary>
    private static async Task PassedAsync(Task<Sipp.Result> sipp, string who)
    {
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"{who} SIPp exit {result.ExitCode}:\n{result.Output}");
    }

    private IEnumerable<JsonElement> StatusesOf(string uuid) =>
        _h.App.All.Where(w => w.Json is { } j && j.TryGetProperty("uuid", out var u) && u.GetString() == uuid && j.TryGetProperty("status", out _))
            .Select(w => w.Json!.Value);

    [Fact]
    public async Task A_blind_transfer_connects_the_other_party_to_the_target_and_completes_the_referrer()
    {
        var partyPort = Sipp.FreeUdpPort();
        var targetPort = Sipp.FreeUdpPort();
        _h.App.Ncco("/answer", $$"""
            [{"action":"connect","endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1:{{partyPort.ToString(CultureInfo.InvariantCulture)}}"}]}]
            """);
        var work = Directory.CreateTempSubdirectory("ncco-refer-");
        try
        {
            var party = Sipp.RunAsync([.. Sipp.Common(partyPort), "-mp", MediaPort(), "-sf", Sipp.Scenario("Sip/Scenarios/uas-answer.xml")], Limit);
            var target = Sipp.RunAsync([.. Sipp.Common(targetPort), "-mp", MediaPort(), "-sf", Sipp.Scenario("Sip/Scenarios/uas-answer-then-bye.xml")], Limit);
            var phone = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-mp", MediaPort(),
                "-sf", await ScenarioAsync(work, "uac-refer-blind.xml", ("@TARGET@", $"sip:carol@127.0.0.1:{targetPort.ToString(CultureInfo.InvariantCulture)}"), ("@PAUSE@", "3000")),
                "-s", SipHostHarness.Number, Target], Limit);

            var referrer = await AnsweredLegAsync(phone);

            // The other party moves to a conversation of its own: Vonage's transfer event.
            var transfer = (await Sipp.Before(_h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("conversation_uuid_to", out _), Limit), phone, Limit)).Json!.Value;
            var partyId = transfer.GetProperty("uuid").GetString()!;
            Assert.NotEqual(referrer, partyId);
            Assert.NotEqual(transfer.GetProperty("conversation_uuid_from").GetString(), transfer.GetProperty("conversation_uuid_to").GetString());

            await PassedAsync(phone, "phone");
            await PassedAsync(target, "target");
            // The target hung up: the party it was handed to is hung up too (a two-party call), which ends the party's SIPp.
            await PassedAsync(party, "party");

            // The three legs complete in any order: look in everything received (a wait would read past the others).
            await EventuallyAsync(() => _h.App.HasStatus(referrer, "completed"));
            var completed = StatusesOf(referrer).Last(j => j.GetProperty("status").GetString() == "completed");
            Assert.Equal("user", completed.GetProperty("disconnected_by").GetString());
            await EventuallyAsync(() => _h.App.HasStatus(partyId, "completed"));

            // The target is a new outbound leg in the party's new conversation, with a connect callee's events.
            var newLeg = _h.App.All.Select(w => w.Json).OfType<JsonElement>()
                .First(j => j.TryGetProperty("status", out var s) && s.GetString() == "started" && j.TryGetProperty("to", out var to)
                    && to.GetString()!.Contains("carol", StringComparison.Ordinal));
            var newId = newLeg.GetProperty("uuid").GetString()!;
            Assert.Equal(transfer.GetProperty("conversation_uuid_to").GetString(), newLeg.GetProperty("conversation_uuid").GetString());
            await EventuallyAsync(() => _h.App.HasStatus(newId, "completed"));
            var completedNew = StatusesOf(newId).Last(j => j.GetProperty("status").GetString() == "completed");
            Assert.Equal("user", completedNew.GetProperty("disconnected_by").GetString());
            var statuses = StatusesOf(newId).Select(j => j.GetProperty("status").GetString()).ToList();
            Assert.Equal(["started", "ringing", "answered", "completed"], statuses);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_referrer_refreshes_and_ends_its_subscription_by_subscribe_and_unknown_ones_are_refused()
    {
        var partyPort = Sipp.FreeUdpPort();
        var targetPort = Sipp.FreeUdpPort();
        _h.App.Ncco("/answer", $$"""
            [{"action":"connect","endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1:{{partyPort.ToString(CultureInfo.InvariantCulture)}}"}]}]
            """);
        var work = Directory.CreateTempSubdirectory("ncco-refer-subscribe-");
        try
        {
            // The target rings for 4 s before it answers: the phone's SUBSCRIBEs all happen while the transfer is under way.
            var targetScenario = Path.Combine(work.FullName, "uas-ring-then-answer.xml");
            var targetText = await File.ReadAllTextAsync(Sipp.Scenario("Sip/Scenarios/uas-answer-then-bye.xml"));
            var firstAnswer = targetText.IndexOf("<send retrans=\"500\">", StringComparison.Ordinal);
            await File.WriteAllTextAsync(targetScenario, targetText.Insert(firstAnswer, "<pause milliseconds=\"4000\"/>\n  "));
            var party = Sipp.RunAsync([.. Sipp.Common(partyPort), "-mp", MediaPort(), "-sf", Sipp.Scenario("Sip/Scenarios/uas-answer.xml")], Limit);
            var target = Sipp.RunAsync([.. Sipp.Common(targetPort), "-mp", MediaPort(), "-sf", targetScenario], Limit);
            var phone = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-mp", MediaPort(),
                "-sf", await ScenarioAsync(work, "uac-refer-subscribe.xml", ("@TARGET@", $"sip:carol@127.0.0.1:{targetPort.ToString(CultureInfo.InvariantCulture)}"), ("@PAUSE@", "3000")),
                "-s", SipHostHarness.Number, Target], Limit);

            var referrer = await AnsweredLegAsync(phone);

            // SIPp checked the wire: 200 + NOTIFY (active;expires=30) for the refresh, 489 for another package, 481 for an
            // unknown id, 200 + NOTIFY (terminated) for Expires: 0, 481 after that, and no NOTIFY when the target answered.
            await PassedAsync(phone, "phone");
            // Ending the subscription did not stop the transfer: the target was connected and hung up, ending the party.
            await PassedAsync(target, "target");
            await PassedAsync(party, "party");
            await EventuallyAsync(() => _h.App.HasStatus(referrer, "completed"));
            Assert.Single(_h.App.All, w => w.Json is { } j && j.TryGetProperty("conversation_uuid_to", out _));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_transfer_from_a_leg_connected_to_nobody_is_refused_with_403_naming_the_reason()
    {
        _h.App.Ncco("/answer", """[{"action":"talk","text":"Please hold while nothing happens at all for a good long while.","loop":0}]""");
        var work = Directory.CreateTempSubdirectory("ncco-refer-");
        try
        {
            var phone = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-mp", MediaPort(),
                "-sf", await ScenarioAsync(work, "uac-refer-refused.xml", ("@TARGET@", "sip:carol@127.0.0.1:5"), ("@PAUSE@", "800"), ("@REASON@", "Leg .* is not connected to anyone")),
                "-s", SipHostHarness.Number, Target], Limit);
            await PassedAsync(phone, "caller");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_transfer_to_a_number_without_trunks_is_refused_with_403()
    {
        var partyPort = Sipp.FreeUdpPort();
        _h.App.Ncco("/answer", $$"""
            [{"action":"connect","endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1:{{partyPort.ToString(CultureInfo.InvariantCulture)}}"}]}]
            """);
        var work = Directory.CreateTempSubdirectory("ncco-refer-");
        try
        {
            var party = Sipp.RunAsync([.. Sipp.Common(partyPort), "-mp", MediaPort(), "-sf", Sipp.Scenario("Sip/Scenarios/uas-answer.xml")], Limit);
            var phone = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-mp", MediaPort(),
                "-sf", await ScenarioAsync(work, "uac-refer-refused.xml", ("@TARGET@", "tel:+447700900999"), ("@PAUSE@", "1500"), ("@REASON@", "No Trunk To Reach Numbers")),
                "-s", SipHostHarness.Number, Target], Limit);
            await PassedAsync(phone, "caller");
            // The caller hung up: the connect ends the party as before, the refusal changed nothing.
            await PassedAsync(party, "party");
            Assert.DoesNotContain(_h.App.All, w => w.Json is { } j && j.TryGetProperty("conversation_uuid_to", out _));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_attended_transfer_by_a_pbx_joins_its_two_other_parties_and_ends_both_of_its_calls()
    {
        // The PBX's first call is connected to X, its second to Y; X hangs up well after the transfer.
        var xPort = Sipp.FreeUdpPort();
        var yPort = Sipp.FreeUdpPort();
        var calls = 0;
        _h.App.Handle("/answer", async c =>
        {
            var port = Interlocked.Increment(ref calls) == 1 ? xPort : yPort;
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync($$"""
                [{"action":"connect","endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1:{{port.ToString(CultureInfo.InvariantCulture)}}"}]}]
                """);
        });
        var work = Directory.CreateTempSubdirectory("ncco-attended-");
        try
        {
            var xScenario = Path.Combine(work.FullName, "x.xml");
            await File.WriteAllTextAsync(xScenario, (await File.ReadAllTextAsync(Sipp.Scenario("Sip/Scenarios/uas-answer-then-bye.xml")))
                .Replace("<pause milliseconds=\"1500\"/>", "<pause milliseconds=\"10000\"/>", StringComparison.Ordinal));
            var x = Sipp.RunAsync([.. Sipp.Common(xPort), "-mp", MediaPort(), "-sf", xScenario], Limit);
            var y = Sipp.RunAsync([.. Sipp.Common(yPort), "-mp", MediaPort(), "-sf", Sipp.Scenario("Sip/Scenarios/uas-answer.xml")], Limit);
            var pbx = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-mp", MediaPort(), "-cid_str", "ncco%u-%p",
                "-sf", await ScenarioAsync(work, "uac-refer-attended.xml", ("@PAUSE@", "2500")),
                "-s", SipHostHarness.Number, Target], Limit);

            // Both other parties move to one new conversation (a transfer event each).
            var first = (await Sipp.Before(_h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("conversation_uuid_to", out _), Limit), pbx, Limit)).Json!.Value;
            var second = (await Sipp.Before(_h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("conversation_uuid_to", out _)
                && j.GetProperty("uuid").GetString() != first.GetProperty("uuid").GetString(), Limit), pbx, Limit)).Json!.Value;
            Assert.Equal(first.GetProperty("conversation_uuid_to").GetString(), second.GetProperty("conversation_uuid_to").GetString());

            // SIPp checked the PBX's side: 202, NOTIFY 100 then 200 (terminated), BYE for both of its dialogs.
            await PassedAsync(pbx, "PBX");
            var answers = _h.App.All.Where(w => w.Path == "/answer").Select(w => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(w.Query)["uuid"].ToString()).ToList();
            Assert.Equal(2, answers.Count);
            // (The waits above may have read past these events: look in everything received.)
            foreach (var referrer in answers)
            {
                await EventuallyAsync(() => _h.App.HasStatus(referrer, "completed"));
                var completed = StatusesOf(referrer).Last(j => j.GetProperty("status").GetString() == "completed");
                Assert.Equal("user", completed.GetProperty("disconnected_by").GetString());
            }

            // X and Y are one call now: X hanging up hangs Y up.
            await PassedAsync(x, "X");
            await PassedAsync(y, "Y");
            await EventuallyAsync(() => _h.App.HasStatus(first.GetProperty("uuid").GetString()!, "completed"));
            await EventuallyAsync(() => _h.App.HasStatus(second.GetProperty("uuid").GetString()!, "completed"));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_invite_with_replaces_takes_the_place_of_the_named_leg_and_one_naming_nothing_gets_481()
    {
        var partyPort = Sipp.FreeUdpPort();
        _h.App.Ncco("/answer", $$"""
            [{"action":"connect","endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1:{{partyPort.ToString(CultureInfo.InvariantCulture)}}"}]}]
            """);
        var work = Directory.CreateTempSubdirectory("ncco-replaces-");
        try
        {
            var party = Sipp.RunAsync([.. Sipp.Common(partyPort), "-mp", MediaPort(), "-sf", Sipp.Scenario("Sip/Scenarios/uas-answer.xml")], Limit);
            var pbx = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-mp", MediaPort(), "-cid_str", "ncco%u-%p",
                "-sf", await ScenarioAsync(work, "uac-invite-replaces.xml", ("@PAUSE@", "2500")),
                "-s", SipHostHarness.Number, Target], Limit);

            var legId = await AnsweredLegAsync(pbx);

            // SIPp checked the wire: 481 for the Replaces naming nothing, 200 for the one naming dialog A, BYE for A, and a
            // 200 for B's own BYE later (so B, not A, was the live dialog by then).
            await PassedAsync(pbx, "PBX");
            // B hanging up is the leg hanging up: the party connected to it is hung up too.
            await PassedAsync(party, "party");

            // One leg throughout: the replacing INVITE asked for no answer URL and made no leg of its own, and the leg's
            // life reads as one call that was answered once and completed when B hung up.
            var completed = (await _h.App.WaitForStatusAsync(legId, "completed", Limit)).Json!.Value;
            Assert.Equal("user", completed.GetProperty("disconnected_by").GetString());
            Assert.Single(_h.App.All, w => w.Path == "/answer");
            Assert.Single(StatusesOf(legId), j => j.GetProperty("status").GetString() == "answered");
            Assert.DoesNotContain(_h.App.All, w => w.Json is { } j && j.TryGetProperty("from", out var from)
                && (from.GetString()!.Contains("447700900222", StringComparison.Ordinal) || from.GetString()!.Contains("447700900333", StringComparison.Ordinal)));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task After_an_invite_with_replaces_the_leg_hears_the_replacing_partys_rtp_and_no_longer_the_replaced_partys()
    {
        // The leg's NCCO listens for two keys across the swap; the replaced party keeps sending after it.
        _h.App.Ncco("/answer", $$"""
            [{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":2,"timeOut":10},"eventUrl":["{{_h.App.Url("input")}}"]}]
            """);
        _h.App.Ncco("/input", $$"""[{"action":"conversation","name":"after-replaces-{{Guid.NewGuid():N}}"}]""");
        await using var a = new RtpProbe();
        await using var b = new RtpProbe();
        var work = Directory.CreateTempSubdirectory("ncco-replaces-audio-");
        try
        {
            var pbx = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-mp", MediaPort(), "-cid_str", "ncco%u-%p",
                "-sf", await ScenarioAsync(work, "uac-invite-replaces-audio.xml", ("@PAUSE_A@", "3000"), ("@PAUSE_B@", "4000"),
                    ("@A_RTP@", a.Port.ToString(CultureInfo.InvariantCulture)), ("@B_RTP@", b.Port.ToString(CultureInfo.InvariantCulture))),
                "-s", SipHostHarness.Number, Target], Limit);

            var legId = await AnsweredLegAsync(pbx);
            // Dialog A's media runs: the host sends to A, and A's key reaches the input.
            await EventuallyAsync(() => a.Host is not null);
            a.Press('1');

            // Dialog B takes A's place: the host's RTP now goes to B (from the new session's port).
            await EventuallyAsync(() => b.Host is not null);
            Assert.NotEqual(a.Host!.Port, b.Host!.Port);
            // A keeps talking into the call it had, first; then B presses its key.
            a.Press('3');
            await Task.Delay(700);
            var aReceivedAfterSwap = a.Received;
            b.Press('7');

            var input = (await Sipp.Before(_h.App.WaitForAsync(w => w.Path == "/input", Limit), pbx, Limit)).Json!.Value;
            Assert.Equal("17", input.GetProperty("dtmf").GetProperty("digits").GetString());
            // Nothing more went to A once B had the leg (packets in flight at the swap were counted before the mark).
            Assert.Equal(aReceivedAfterSwap, a.Received);
            Assert.True(b.Received > 10, $"B received {b.Received} packets");

            await PassedAsync(pbx, "PBX");
            var completed = (await _h.App.WaitForStatusAsync(legId, "completed", Limit)).Json!.Value;
            Assert.Equal("user", completed.GetProperty("disconnected_by").GetString());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Waits (bounded by <see cref="Limit"/>) until <paramref name="condition"/> holds; fails naming what never came.</summary>
    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < Limit, "the expected event never came");
            await Task.Delay(50);
        }
    }

    // SIPp's RTP ports: clear of the host's blocks (20000–39999) and the test phones' (10000–19999, 40000–47999).
    private static string MediaPort() => Sipp.FreeMediaPort().ToString(CultureInfo.InvariantCulture);
}
