using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Tests.Support;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>SIPp callers against the real host's SIP gateway, over loopback.</summary>
public sealed class SipInboundTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private SipHostHarness _h = null!;

    public async Task InitializeAsync() => _h = await SipHostHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private string Target => $"127.0.0.1:{_h.Sip.Port.ToString(CultureInfo.InvariantCulture)}";

    [Fact]
    public async Task Sipp_calls_a_routed_number_the_answer_webhook_has_the_sip_fields_and_hanging_up_completes_the_call()
    {
        _h.App.Ncco("/answer", """[{"action":"talk","text":"Hello from the SIP gateway test, this is a longer sentence."}]""");
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-headers-answer-bye.xml"), "-s", SipHostHarness.Number, Target], Limit);

        var answer = await Sipp.Before(_h.App.WaitForAsync(w => w.Path == "/answer", Limit), sipp, Limit);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Query);
        Assert.Equal(SipHostHarness.Number, query["to"].ToString());
        Assert.Equal("447700900111", query["from"].ToString());
        Assert.Equal("sip", query["endpoint_type"].ToString());
        Assert.Equal("cust-42", query["SipHeader_X-Customer-Id"].ToString());
        Assert.Equal("56a390f3d2b7310023a2;encoding=hex", query["SipHeader_User-to-User"].ToString());
        Assert.DoesNotContain(query.Keys, k => k.StartsWith("SipHeader_X-Nexmo", StringComparison.OrdinalIgnoreCase));
        var uuid = query["uuid"].ToString();

        await _h.App.WaitForStatusAsync(uuid, "answered", Limit);
        var completed = (await _h.App.WaitForStatusAsync(uuid, "completed", Limit)).Json!.Value;
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.Equal("user", completed.GetProperty("disconnected_by").GetString());

        // The SIP stack's own instruments are on /metrics: no handler failed, and the call's dialog is gone.
        var metrics = await _h.Host.Client.GetStringAsync("/metrics");
        Assert.Contains("ncco_sip_handler_failures_total 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("ncco_sip_dialogs_active 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("ncco_sip_transactions_active{role=\"server\"}", metrics, StringComparison.Ordinal);
        // Its setup was timed once per phase, from the INVITE's receipt to the 200 (bench/side-by-side reads these).
        foreach (var phase in new[] { "accept", "dispatch", "route", "vm", "webhook", "answer", "total" })
        {
            Assert.Contains($"ncco_sip_setup_duration_milliseconds_count{{phase=\"{phase}\"}} 1\n", metrics, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_invite_for_a_user_no_application_owns_gets_404_and_no_webhook()
    {
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-expect-404.xml"), "-s", "nobody", Target], Limit);
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.DoesNotContain(_h.App.All, w => w.Path == "/answer");
    }

    [Fact]
    public async Task A_caller_cancelling_while_the_answer_webhook_is_pending_ends_the_call_without_answering()
    {
        var release = new TaskCompletionSource();
        _h.App.Handle("/answer", async c =>
        {
            // Hold the answer back until the caller has cancelled, as a slow application would.
            await release.Task.WaitAsync(Limit);
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync("""[{"action":"talk","text":"too late"}]""");
        });
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-cancel-before-answer.xml"), "-s", SipHostHarness.User, Target], Limit);

        var answer = await Sipp.Before(_h.App.WaitForAsync(w => w.Path == "/answer", Limit), sipp, Limit);
        var uuid = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Query)["uuid"].ToString();
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        release.SetResult();

        // `cancelled` is an outbound status in the reference; an inbound caller leaving before the answer completes the leg.
        var ended = (await _h.App.WaitForStatusAsync(uuid, "completed", Limit)).Json!.Value;
        Assert.Equal("user", ended.GetProperty("disconnected_by").GetString());
        // Never answered: its setup phases stop where it did, with no 200 and so no whole setup time recorded.
        var metrics = await _h.Host.Client.GetStringAsync("/metrics");
        Assert.Contains("ncco_sip_setup_duration_milliseconds_count{phase=\"vm\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("ncco_sip_setup_duration_milliseconds_count{phase=\"answer\"}", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("ncco_sip_setup_duration_milliseconds_count{phase=\"total\"}", metrics, StringComparison.Ordinal);
        await Task.Delay(300);
        Assert.DoesNotContain(_h.App.All, w => w.Json is { } j && j.TryGetProperty("uuid", out var u) && u.GetString() == uuid
            && j.TryGetProperty("status", out var s) && s.GetString() == "answered");
    }

    [Fact]
    public async Task A_draining_host_refuses_new_calls_with_503()
    {
        _h.Host.Services.GetRequiredService<Ncco.Host.Calls.VmDirectory>().BeginDrain();
        var result = await Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-expect-503.xml"), "-s", SipHostHarness.Number, Target], Limit);
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.DoesNotContain(_h.App.All, w => w.Path == "/answer");
    }

    [Fact]
    public async Task Garbage_and_malformed_invites_are_dropped_or_refused_and_the_gateway_keeps_serving()
    {
        using (var udp = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0)))
        {
            var random = new Random(7);
            for (var i = 0; i < 50; i++)
            {
                var junk = new byte[random.Next(1, 1500)];
                random.NextBytes(junk);
                await udp.SendAsync(junk, _h.Sip);
            }
            // Parseable start lines with broken or hostile headers: no Call-ID, a CSeq out of range, a header with NUL.
            string[] broken =
            [
                "INVITE sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:alice@127.0.0.1>\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
                "INVITE sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK2\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:alice@127.0.0.1>\r\nCall-ID: c2\r\nCSeq: 99999999999 INVITE\r\nContent-Length: 0\r\n\r\n",
                "INVITE sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK3\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:alice@127.0.0.1>\r\nCall-ID: c3\r\nCSeq: 1 INVITE\r\nX-Evil: a\0b\r\nContent-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n",
            ];
            foreach (var message in broken) await udp.SendAsync(System.Text.Encoding.UTF8.GetBytes(message), _h.Sip);
        }

        var result = await Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-expect-404.xml"), "-s", "nobody", Target], Limit);
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.DoesNotContain(_h.App.All, w => w.Json is { } j && j.TryGetProperty("status", out var s) && s.GetString() == "answered");
    }

    [Fact]
    public async Task A_caller_holding_and_resuming_with_reinvite_keeps_the_call_until_its_bye()
    {
        _h.App.Ncco("/answer", """[{"action":"talk","text":"Hold music would go here. This sentence is long enough to outlast the hold and the resume.","loop":0}]""");
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-reinvite-hold.xml"), "-s", SipHostHarness.User, Target], Limit);

        var answer = await Sipp.Before(_h.App.WaitForAsync(w => w.Path == "/answer", Limit), sipp, Limit);
        var uuid = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Query)["uuid"].ToString();
        // SIPp checks that our answers say recvonly while held and sendrecv after; the call ends only with its BYE.
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        var completed = (await _h.App.WaitForStatusAsync(uuid, "completed", Limit)).Json!.Value;
        Assert.Equal("user", completed.GetProperty("disconnected_by").GetString());
    }

    [Fact]
    public async Task Sipp_presses_keys_in_sip_info_and_the_input_gets_them_a_malformed_info_gets_400()
    {
        // Issue 17: application/dtmf-relay and application/dtmf INFO keys take the RFC 4733 path to the input.
        _h.App.Ncco("/answer", $$"""
            [{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":2,"timeOut":10},"eventUrl":["{{_h.App.Url("input")}}"]}]
            """);
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-press-info.xml"), "-s", SipHostHarness.Number, Target], Limit);
        var input = (await Sipp.Before(_h.App.WaitForAsync(w => w.Path == "/input", Limit), sipp, Limit)).Json!.Value;
        Assert.Equal("42", input.GetProperty("dtmf").GetProperty("digits").GetString());
        Assert.False(input.GetProperty("dtmf").GetProperty("timed_out").GetBoolean());
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
    }

    [Theory]
    [InlineData("uac-press-rfc4733.xml")]
    [InlineData("uac-press-inband.xml")]
    public async Task Sipp_presses_5_as_rfc4733_events_or_as_inband_tones_and_the_input_gets_it(string scenario)
    {
        _h.App.Ncco("/answer", $$"""
            [{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":10},"eventUrl":["{{_h.App.Url("input")}}"]}]
            """);
        var work = Directory.CreateTempSubdirectory("ncco-press-");
        try
        {
            var file = Path.Combine(work.FullName, scenario);
            var keyFile = Path.Combine(work.FullName, "key-5.ulaw");
            await File.WriteAllBytesAsync(keyFile, InBandKeyFive());
            await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(Sipp.Scenario("Sip/Scenarios/" + scenario))).Replace("@INBAND_FILE@", keyFile, StringComparison.Ordinal));
            // SIPp's RTP port: clear of the host blocks (20000–39999) and the test phones' (10000–19999, 40000–47999).
            var mediaPort = Sipp.FreeMediaPort();
            var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-mp", mediaPort.ToString(CultureInfo.InvariantCulture),
                "-sf", file, "-s", SipHostHarness.Number, Target], Limit);

            var input = (await Sipp.Before(_h.App.WaitForAsync(w => w.Path == "/input", Limit), sipp, Limit)).Json!.Value;
            Assert.Equal("5", input.GetProperty("dtmf").GetProperty("digits").GetString());
            Assert.False(input.GetProperty("dtmf").GetProperty("timed_out").GetBoolean());
            var result = await sipp;
            Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// One second of silence, key 5 (770 Hz + 1336 Hz, 250 ms, each tone at -9 dBFS) and half a second of silence,
    /// as 8 kHz u-law: what a phone without telephone events sends.
    /// </summary>
    private static byte[] InBandKeyFive()
    {
        var samples = new short[8000 + 2000 + 4000];
        for (var i = 0; i < 2000; i++)
        {
            var t = i / 8000.0;
            samples[8000 + i] = (short)(11600 * (Math.Sin(2 * Math.PI * 770 * t) + Math.Sin(2 * Math.PI * 1336 * t)));
        }
        var encoded = new byte[samples.Length];
        Ncco.Media.G711.MuLaw.Encode(samples, encoded);
        return encoded;
    }
}
