using System.Net;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;
using Ncco.Sip.Transactions;
using Ncco.Sip.Transport;
using Ncco.Tests.Shared;

namespace Ncco.Sip.Tests.Interop;

/// <summary>SIPp, a real SIP implementation, against a small UA built on this library, over loopback.</summary>
public sealed class SippInteropTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static SipUserAgent NewUa()
    {
        var ua = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, new SipUserAgentOptions { User = "ncco" });
        ua.Start();
        return ua;
    }

    [Theory]
    [InlineData("u1", SipTransportKind.Udp)]
    [InlineData("t1", SipTransportKind.Tcp)]
    public async Task Sipp_caller_is_answered_with_sdp_and_hangs_up_with_bye(string sippTransport, SipTransportKind kind)
    {
        await using var ua = NewUa();
        var target = $"127.0.0.1:{ua.Layer.Transport.PortOf(kind)}";
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sn", "uac", "-t", sippTransport, "-s", "ivr", "-d", "300", target], Limit);

        var call = await Sipp.Before(ua.AcceptAsync().AsTask(), sipp, Limit);
        call.Ring();
        var audio = call.Answer(new LocalMedia("127.0.0.1", 41000));
        var end = await Sipp.Before(call.Ended, sipp, Limit);
        var result = await sipp;

        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.Equal("ivr", call.Invite.Uri.User);
        Assert.Equal(SdpCodec.Pcmu, audio!.Codec);
        Assert.True(call.Confirmed.IsCompleted);
        Assert.Equal(CallEndReason.RemoteHangup, end.Reason);
        Assert.Equal(0, ua.DialogCount);
    }

    [Fact]
    public async Task Sipp_caller_cancelling_while_ringing_gets_487_and_our_call_ends_cancelled()
    {
        await using var ua = NewUa();
        var target = $"127.0.0.1:{ua.Layer.Transport.PortOf(SipTransportKind.Udp)}";
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("TestData/sipp/uac-cancel-before-answer.xml"), "-s", "ivr", target], Limit);

        var call = await Sipp.Before(ua.AcceptAsync().AsTask(), sipp, Limit);
        call.Ring();
        var end = await Sipp.Before(call.Ended, sipp, Limit);
        var result = await sipp;

        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.Equal(new CallEnd(CallEndReason.Cancelled, 487), end);
        Assert.Null(call.Audio);
    }

    [Fact]
    public async Task Our_caller_reaches_a_sipp_callee_reads_its_answer_and_hangs_up()
    {
        await using var ua = NewUa();
        var port = Sipp.FreeUdpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(port), "-sn", "uas"], Limit);

        // SIPp may not be bound yet: the INVITE's own retransmissions (timer A) cover that gap.
        var call = await ua.CallAsync(SipUri.Parse($"sip:service@127.0.0.1:{port}"), new LocalMedia("127.0.0.1", 41002) { Codecs = [SdpCodec.Pcmu] });
        var answer = await Sipp.Before(call.Completion, sipp, Limit);
        Assert.Equal(200, answer.StatusCode);
        await call.Ringing.WaitAsync(Limit);
        Assert.Equal(SdpCodec.Pcmu, call.Audio!.Codec);
        Assert.Equal("127.0.0.1", call.Audio.RemoteAddress);

        await call.HangupAsync().WaitAsync(Limit);
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.Equal(CallEndReason.LocalHangup, (await call.Ended).Reason);
    }

    [Fact]
    public async Task Sipp_callee_that_is_busy_gives_486_and_gets_its_ack()
    {
        await using var ua = NewUa();
        var port = Sipp.FreeUdpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(port), "-sf", Sipp.Scenario("TestData/sipp/uas-busy.xml")], Limit);

        var call = await ua.CallAsync(SipUri.Parse($"sip:busy@127.0.0.1:{port}"), new LocalMedia("127.0.0.1", 41004));
        var final = await Sipp.Before(call.Completion, sipp, Limit);
        var result = await sipp;

        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.Equal(486, final.StatusCode);
        Assert.Equal(new CallEnd(CallEndReason.Rejected, 486), await call.Ended);
    }

    [Fact]
    public async Task Sipp_caller_holds_and_resumes_with_reinvite()
    {
        await using var ua = NewUa();
        var target = $"127.0.0.1:{ua.Layer.Transport.PortOf(SipTransportKind.Udp)}";
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("TestData/sipp/uac-reinvite-hold.xml"), "-s", "ivr", target], Limit);

        var call = await Sipp.Before(ua.AcceptAsync().AsTask(), sipp, Limit);
        call.Answer(new LocalMedia("127.0.0.1", 41006));
        var held = await Sipp.Before(call.MediaChanges.ReadAsync().AsTask(), sipp, Limit);
        var resumed = await Sipp.Before(call.MediaChanges.ReadAsync().AsTask(), sipp, Limit);
        var end = await Sipp.Before(call.Ended, sipp, Limit);
        var result = await sipp;

        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.True(held.IsOnHold);
        Assert.Equal(MediaDirection.SendRecv, resumed.Direction);
        Assert.Equal(CallEndReason.RemoteHangup, end.Reason);
    }

    [Fact]
    public async Task Sipp_caller_with_a_session_timer_is_granted_it_and_refreshes_with_update()
    {
        await using var ua = NewUa();
        var target = $"127.0.0.1:{ua.Layer.Transport.PortOf(SipTransportKind.Udp)}";
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("TestData/sipp/uac-session-timer.xml"), "-s", "ivr", target], Limit);

        var call = await Sipp.Before(ua.AcceptAsync().AsTask(), sipp, Limit);
        Assert.Equal(TimeSpan.FromSeconds(90), call.SessionInterval);
        var audio = call.Answer(new LocalMedia("127.0.0.1", 41008));
        var end = await Sipp.Before(call.Ended, sipp, Limit);
        var result = await sipp;

        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.Equal(SdpCodec.Pcma, audio!.Codec);
        Assert.Equal(CallEndReason.RemoteHangup, end.Reason);
    }

    [Fact]
    public async Task Sipp_caller_that_requires_100rel_pracks_our_reliable_180_before_we_answer()
    {
        await using var ua = NewUa();
        var target = $"127.0.0.1:{ua.Layer.Transport.PortOf(SipTransportKind.Udp)}";
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("TestData/sipp/uac-100rel-prack.xml"), "-s", "ivr", target], Limit);

        var call = await Sipp.Before(ua.AcceptAsync().AsTask(), sipp, Limit);
        Assert.True(call.ReliableProvisional);
        call.Ring();
        // The scenario expects the PRACK's 200 before the INVITE's: answer once the 180 is acknowledged.
        using (var wait = new CancellationTokenSource(Limit))
        {
            while (call.ProvisionalUnacknowledged) await Task.Delay(10, wait.Token);
        }
        call.Answer(new LocalMedia("127.0.0.1", 41012));
        var end = await Sipp.Before(call.Ended, sipp, Limit);
        var result = await sipp;

        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.Equal(CallEndReason.RemoteHangup, end.Reason);
        Assert.Equal(0, ua.DialogCount);
    }

    [Fact]
    public async Task Sipp_softphone_registers_with_digest_at_our_registrar()
    {
        // SIPp answers only the first challenge and only MD5, like many older phones: list MD5 first.
        var authenticator = new Ncco.Sip.Auth.DigestAuthenticator("ncco.test", u => u == "alice" ? "secret" : null, TimeProvider.System)
        {
            Algorithms = ["MD5", "SHA-256"],
        };
        var registrar = new Ncco.Sip.Registration.SipRegistrar(authenticator, TimeProvider.System);
        var ua = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, new SipUserAgentOptions { Registrar = registrar });
        await using var _ = ua;
        ua.Start();
        var sippPort = Sipp.FreeUdpPort();
        var target = $"127.0.0.1:{ua.Layer.Transport.PortOf(SipTransportKind.Udp)}";

        var result = await Sipp.RunAsync([.. Sipp.Common(sippPort), "-sf", Sipp.Scenario("TestData/sipp/uac-register-digest.xml"), target], Limit);

        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        var binding = registrar.Lookup("alice").Single();
        Assert.Equal(sippPort, binding.Contact.Port);
        Assert.Equal(sippPort, binding.Source.Address.Port);
    }

    [Fact]
    public async Task Our_caller_answers_a_sipp_trunks_digest_challenge()
    {
        var ua = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System,
            new SipUserAgentOptions { Credentials = new Ncco.Sip.Auth.DigestCredentials("trunkuser", "trunkpw") });
        await using var _ = ua;
        ua.Start();
        var port = Sipp.FreeUdpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(port), "-sf", Sipp.Scenario("TestData/sipp/uas-digest-challenge.xml")], Limit);

        var call = await ua.CallAsync(SipUri.Parse($"sip:15551230000@127.0.0.1:{port}"), new LocalMedia("127.0.0.1", 41010));
        var answer = await Sipp.Before(call.Completion, sipp, Limit);
        Assert.Equal(200, answer.StatusCode);
        Assert.Contains("username=\"trunkuser\"", call.Invite.Header(HeaderNames.Authorization), StringComparison.Ordinal);
        await call.HangupAsync().WaitAsync(Limit);

        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
    }
}
