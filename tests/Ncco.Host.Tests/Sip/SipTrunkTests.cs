using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Legs.Sip;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// <c>phone</c> endpoints through <c>Ncco:Sip:Trunks</c>, with SIPp (or the test softphone) as the trunk on loopback:
/// digest on INVITE and REGISTER, the number in the request URI, the caller id in From, busy, and <c>dtmfAnswer</c>.
/// </summary>
public sealed class SipTrunkTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static string[] Trunk(int port, params string[] more) =>
        ["--Ncco:Sip:Trunks:0:Name=carrier", $"--Ncco:Sip:Trunks:0:Address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
         "--Ncco:Sip:Trunks:0:Prefixes:0=44", .. more];

    private static string[] Credentials => ["--Ncco:Sip:Trunks:0:Username=trunkuser", "--Ncco:Sip:Trunks:0:Password=trunkpw"];

    [Fact]
    public async Task A_phone_call_goes_through_the_trunk_answering_its_digest_with_the_number_and_an_application_number_as_caller_id()
    {
        // Over TCP: on UDP, a 401 that SIPp is slow to send (a busy machine) is retransmitted and our (correct) ACK of the
        // retransmission reaches SIPp after the second INVITE, which its scenario counts as unexpected.
        var port = Sipp.FreeTcpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(port), "-t", "t1", "-sf", Sipp.Scenario("Sip/Scenarios/uas-trunk-digest.xml")], Limit);
        await Sipp.WaitForTcpListenerAsync(port, sipp, Limit);
        await using var h = await SipHostHarness.StartAsync([.. Trunk(port, "--Ncco:Sip:Trunks:0:Transport=tcp"), .. Credentials]);
        // random_from_number: the caller id is a number routed to the application (the harness's 447700900000).
        var uuid = await h.CreateCallAsync("""
            {"to":[{"type":"phone","number":"447700900123"}],"random_from_number":true,"ncco":[{"action":"talk","text":"Hello there."}]}
            """);

        await Sipp.Before(h.App.WaitForStatusAsync(uuid, "ringing", Limit), sipp, Limit);
        await h.App.WaitForStatusAsync(uuid, "answered", Limit);
        var completed = (await h.App.WaitForStatusAsync(uuid, "completed", Limit)).Json!.Value;
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.Equal("platform", completed.GetProperty("disconnected_by").GetString());
    }

    [Fact]
    public async Task A_busy_number_on_the_trunk_reports_busy_with_486()
    {
        var port = Sipp.FreeUdpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(port), "-sf", Sipp.Scenario("Sip/Scenarios/uas-busy.xml")], Limit);
        await using var h = await SipHostHarness.StartAsync(Trunk(port));
        var uuid = await h.CreateCallAsync("""
            {"to":[{"type":"phone","number":"447700900999"}],"from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"talk","text":"never heard"}]}
            """);

        var busy = (await Sipp.Before(h.App.WaitForStatusAsync(uuid, "busy", Limit), sipp, Limit)).Json!.Value;
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.Equal(486, busy.GetProperty("sip_code").GetInt32());
    }

    [Fact]
    public async Task A_trunk_that_wants_it_gets_the_caller_as_p_asserted_identity_with_privacy()
    {
        // Issue 17: SendAssertedIdentity and Privacy per trunk; the SIPp trunk fails unless both headers are there.
        var port = Sipp.FreeUdpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(port), "-sf", Sipp.Scenario("Sip/Scenarios/uas-busy-check-identity.xml")], Limit);
        await using var h = await SipHostHarness.StartAsync(Trunk(port, "--Ncco:Sip:Trunks:0:SendAssertedIdentity=true", "--Ncco:Sip:Trunks:0:Privacy=id"));
        var uuid = await h.CreateCallAsync("""
            {"to":[{"type":"phone","number":"447700900999"}],"from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"talk","text":"never heard"}]}
            """);

        await Sipp.Before(h.App.WaitForStatusAsync(uuid, "busy", Limit), sipp, Limit);
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
    }

    [Fact]
    public async Task A_trunk_requiring_100rel_gets_each_reliable_provisional_pracked_and_the_call_is_answered()
    {
        // Issue 17: PRACK as UAC. The SIPp trunk fails unless the INVITE offers 100rel and each PRACK names its RSeq.
        var port = Sipp.FreeUdpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(port), "-sf", Sipp.Scenario("Sip/Scenarios/uas-trunk-100rel.xml")], Limit);
        await using var h = await SipHostHarness.StartAsync(Trunk(port));
        var uuid = await h.CreateCallAsync("""
            {"to":[{"type":"phone","number":"447700900123"}],"from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"talk","text":"Hello there."}]}
            """);

        await Sipp.Before(h.App.WaitForStatusAsync(uuid, "answered", Limit), sipp, Limit);
        var completed = (await h.App.WaitForStatusAsync(uuid, "completed", Limit)).Json!.Value;
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.Equal("platform", completed.GetProperty("disconnected_by").GetString());
    }

    [Fact]
    public async Task A_number_no_trunk_serves_fails_with_cannot_route()
    {
        await using var h = await SipHostHarness.StartAsync(Trunk(Sipp.FreeUdpPort()));
        var uuid = await h.CreateCallAsync("""
            {"to":[{"type":"phone","number":"33123456789"}],"from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"talk","text":"never heard"}]}
            """);

        var failed = (await h.App.WaitForStatusAsync(uuid, "failed", Limit)).Json!.Value;
        Assert.Equal("cannot_route", failed.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_trunk_that_registers_answers_the_registrars_digest_shows_registered_and_removes_the_binding_on_stop()
    {
        // Over TCP for the same reason as the digest INVITE: no retransmissions for SIPp to mistake.
        var port = Sipp.FreeTcpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(port), "-t", "t1", "-sf", Sipp.Scenario("Sip/Scenarios/uas-trunk-register.xml")], Limit);
        await Sipp.WaitForTcpListenerAsync(port, sipp, Limit);
        var h = await SipHostHarness.StartAsync([.. Trunk(port, "--Ncco:Sip:Trunks:0:Register=true", "--Ncco:Sip:Trunks:0:RegisterExpires=120",
            "--Ncco:Sip:Trunks:0:Transport=tcp"), .. Credentials]);
        try
        {
            var gateway = h.Host.Services.GetRequiredService<SipGateway>();
                        using (var limit = new CancellationTokenSource(Limit))
            {
                while (!gateway.IsTrunkRegistered("carrier"))
                {
                    if (sipp.IsCompleted) Assert.Fail($"SIPp ended before the trunk registered:\n{(await sipp).Output}");
                    await Task.Delay(50, limit.Token);
                }
            }
            var metrics = await h.Host.Client.GetStringAsync("/metrics");
            Assert.Contains("ncco_sip_trunk_registered{trunk=\"carrier\"} 1", metrics, StringComparison.Ordinal);
        }
        finally
        {
            // Stopping the host de-registers (Expires: 0), which the scenario waits for.
            await h.DisposeAsync();
        }
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
    }

    [Fact]
    public async Task A_connect_to_a_phone_endpoint_with_randomFromNumber_dials_the_trunk_as_an_application_number()
    {
        await using var trunk = TestSoftphone.Listen(10000 + (Random.Shared.Next(0, 450) * 20));
        await using var h = await SipHostHarness.StartAsync(Trunk(trunk.SipPort));
        h.App.Ncco("/answer", """
            [{"action":"connect","timeout":10,"randomFromNumber":true,"endpoint":[{"type":"phone","number":"447700900456"}]}]
            """);
        // The softphone calls the user alice: the caller's `to` is no number, so the caller id is the application's number.
        await using var caller = await TestSoftphone.CallAsync(h.Sip, SipHostHarness.User, 10000 + (Random.Shared.Next(0, 450) * 20));
        await caller.AnsweredAsync(Limit);

        await trunk.AnswerAsync(Limit);
        Assert.Equal("447700900456", trunk.Incoming!.Invite.Uri.User);
        Assert.Equal(SipHostHarness.Number, trunk.Incoming.Invite.From.Uri.User);
        await trunk.Incoming.HangupAsync().WaitAsync(Limit);
        Assert.Equal(Ncco.Sip.Dialogs.CallEndReason.RemoteHangup, (await caller.Call!.Ended.WaitAsync(Limit)).Reason);
    }

    [Fact]
    public async Task DtmfAnswer_keys_reach_the_callee_as_rfc4733_events_after_the_answer()
    {
        await using var phone = TestSoftphone.Listen(10000 + (Random.Shared.Next(0, 450) * 20));
        await using var h = await SipHostHarness.StartAsync(Trunk(phone.SipPort));
        var uuid = await h.CreateCallAsync("""
            {"to":[{"type":"phone","number":"447700900321","dtmfAnswer":"12p#"}],"from":{"type":"phone","number":"447700900000"},
             "ncco":[{"action":"talk","text":"Connecting you now, please hold the line while we do."}]}
            """);

        await phone.AnswerAsync(Limit);
        Assert.Equal("447700900321", phone.Incoming!.Invite.Uri.User);
        Assert.Equal("447700900000", phone.Incoming.Invite.From.Uri.User);
        await h.App.WaitForStatusAsync(uuid, "answered", Limit);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (phone.KeysReceived.Length < 3) await Task.Delay(20, limit.Token);
        Assert.Equal("12#", phone.KeysReceived);
    }

    [Fact]
    public async Task A_connect_through_the_trunk_from_a_caller_that_is_not_authenticated_is_rejected_restricted_and_counted()
    {
        // Issue 17 (toll fraud): the trunk's sources are elsewhere, so the softphone on loopback is an unauthenticated
        // stranger; its call's NCCO must not reach the carrier. The same NCCO run for a REST call goes out (the test above).
        await using var trunk = TestSoftphone.Listen(10000 + (Random.Shared.Next(0, 450) * 20));
        await using var h = await SipHostHarness.StartAsync(Trunk(trunk.SipPort, "--Ncco:Sip:Trunks:0:Sources:0=192.0.2.10"));
        h.App.Ncco("/answer", """
            [{"action":"connect","timeout":10,"endpoint":[{"type":"phone","number":"447700900456"}]},
             {"action":"talk","text":"That number cannot be reached from here, goodbye."}]
            """);
        await using var caller = await TestSoftphone.CallAsync(h.Sip, SipHostHarness.User, 10000 + (Random.Shared.Next(0, 450) * 20));
        await caller.AnsweredAsync(Limit);

        var rejected = (await h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("status", out var st) && st.GetString() == "rejected", Limit)).Json!.Value;
        Assert.Equal("restricted", rejected.GetProperty("detail").GetString());
        Assert.Equal("447700900456", rejected.GetProperty("to").GetString());
        Assert.Null(trunk.Incoming);
        var metrics = await h.Host.Client.GetStringAsync("/metrics");
        Assert.Contains("ncco_calls_refused_total{reason=\"unauthenticated_origin\",transport=\"sip\"} 1\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trunk_that_allows_any_origin_places_the_strangers_connect()
    {
        await using var trunk = TestSoftphone.Listen(10000 + (Random.Shared.Next(0, 450) * 20));
        await using var h = await SipHostHarness.StartAsync(Trunk(trunk.SipPort, "--Ncco:Sip:Trunks:0:Sources:0=192.0.2.10",
            "--Ncco:Sip:Trunks:0:AllowUnauthenticatedOrigins=true"));
        h.App.Ncco("/answer", """[{"action":"connect","timeout":10,"endpoint":[{"type":"phone","number":"447700900456"}]}]""");
        await using var caller = await TestSoftphone.CallAsync(h.Sip, SipHostHarness.User, 10000 + (Random.Shared.Next(0, 450) * 20));
        await caller.AnsweredAsync(Limit);

        await trunk.AnswerAsync(Limit);
        Assert.Equal("447700900456", trunk.Incoming!.Invite.Uri.User);
        await trunk.Incoming.HangupAsync().WaitAsync(Limit);
    }
}
