using Microsoft.Extensions.Logging;
using Ncco.Sip.Diagnostics;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Tests.Diagnostics;

/// <summary>
/// What an operator sees of the SIP stack: a failing handler is logged (once per interval, however often a peer triggers it)
/// and counted, and the transaction and dialog gauges follow calls up and back to zero.
/// </summary>
public sealed class SipDiagnosticsTests
{
    [Fact]
    public void A_failing_handler_is_logged_once_per_interval_with_the_rest_counted_and_reported_in_the_next_line()
    {
        using var telemetry = new TestTelemetry();
        var time = new ManualTimeProvider();
        using var diagnostics = new SipDiagnostics(telemetry, telemetry, time, TimeSpan.FromSeconds(10));
        var transport = new FakeTransport(SipTransportKind.Udp);
        var layer = new SipTransportLayer([transport], advertisedHost: "127.0.0.1", diagnostics: diagnostics);
        layer.Start(new ThrowingHandler());

        // A hostile peer repeating the request that trips the defect, 50 times within a second.
        for (var i = 0; i < 50; i++)
        {
            transport.Deliver(Requests.Make("OPTIONS", $"z9hG4bKfail{i}", callId: "hostile-1"));
        }

        var first = Assert.Single(telemetry.Entries);
        Assert.Equal(LogLevel.Error, first.Level);
        Assert.IsType<InvalidOperationException>(first.Error);
        Assert.Contains("OPTIONS (Call-ID hostile-1)", first.Message, StringComparison.Ordinal);
        Assert.Contains("192.0.2.50:5070", first.Message, StringComparison.Ordinal);
        Assert.Contains("0 earlier failures not logged", first.Message, StringComparison.Ordinal);
        Assert.Equal(50, layer.HandlerFailureCount);
        Assert.Equal(50, telemetry.Read("ncco.sip.handler.failures"));

        // Within the interval nothing more is logged; after it, the next failure is, saying how many were not.
        time.Advance(TimeSpan.FromSeconds(9));
        transport.Deliver(Requests.Make("OPTIONS", "z9hG4bKfail50"));
        Assert.Single(telemetry.Entries);
        time.Advance(TimeSpan.FromSeconds(1.5));
        transport.Deliver(Requests.Make("OPTIONS", "z9hG4bKfail51"));

        Assert.Equal(2, telemetry.Entries.Count);
        Assert.Contains("50 earlier failures not logged", telemetry.Entries.Last().Message, StringComparison.Ordinal);
        Assert.Equal(52, telemetry.Read("ncco.sip.handler.failures"));
    }

    [Fact]
    public async Task Transaction_and_dialog_gauges_follow_a_call_and_return_to_zero_after_it()
    {
        using var telemetry = new TestTelemetry();
        using var diagnostics = new SipDiagnostics(telemetry, telemetry);
        var h = new UaHarness(diagnostics: diagnostics);
        Assert.Equal(0, telemetry.Read("ncco.sip.dialogs.active"));

        var call = h.Receive(UaHarness.Invite());
        call.Answer(new LocalMedia("127.0.0.1", 20000));
        h.Transport.Deliver(h.InDialog(call, "ACK", 1, "z9hG4bKack"));
        var options = h.Agent.OptionsAsync(SipUri.Parse("sip:peer@192.0.2.50:5070"));

        Assert.Equal(1, telemetry.Read("ncco.sip.dialogs.active"));
        Assert.Equal(1, telemetry.Read("ncco.sip.transactions.active", "role=server"));
        Assert.Equal(1, telemetry.Read("ncco.sip.transactions.active", "role=client"));

        h.Transport.Deliver(Requests.Reply(h.Transport.SentRequests("OPTIONS").Single(), 200));
        Assert.Equal(200, (await options).StatusCode);
        h.Transport.Deliver(h.InDialog(call, "BYE", 2, "z9hG4bKbye"));
        Assert.True(call.IsEnded);
        Assert.Equal(0, telemetry.Read("ncco.sip.dialogs.active"));

        // Completed transactions linger for their absorb timers (Timer J/K, H/I over UDP), then go.
        h.At(60);
        Assert.Equal(0, telemetry.Read("ncco.sip.transactions.active", "role=server"));
        Assert.Equal(0, telemetry.Read("ncco.sip.transactions.active", "role=client"));
        Assert.Equal(0, telemetry.Read("ncco.sip.dialogs.active"));
    }

    [Fact]
    public void Refused_messages_are_counted_by_outcome()
    {
        using var telemetry = new TestTelemetry();
        using var diagnostics = new SipDiagnostics(telemetry, telemetry);
        var h = new UaHarness(diagnostics: diagnostics);

        h.Transport.Deliver(TortureCase.Load("invalid-cseq-too-large").Bytes);
        h.Transport.Deliver(TortureCase.Load("invalid-missing-via").Bytes);
        h.Transport.Deliver(TortureCase.Load("invalid-nul-request-line").Bytes);

        Assert.Equal(2, telemetry.Read("ncco.sip.messages.rejected", "outcome=answered"));
        Assert.Equal(1, telemetry.Read("ncco.sip.messages.rejected", "outcome=dropped"));
    }

    private sealed class ThrowingHandler : ISipMessageHandler
    {
        public void OnRequest(SipRequest request, SipEndPoint source) => throw new InvalidOperationException("a defect in the handler");

        public void OnResponse(SipResponse response, SipEndPoint source) => throw new InvalidOperationException("a defect in the handler");

        public void OnTransportError(SipEndPoint remote, Exception error)
        {
        }
    }
}
