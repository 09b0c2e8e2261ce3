using System.Diagnostics;
using Ncco.Diagnostics;
using Ncco.Rtp.Sessions;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Sdp;

namespace Ncco.Host.Legs.Sip;

/// <summary>
/// The SIP legs' spans in the calls' traces (<see cref="NccoTracing.Source"/>), next to the INVITE spans of
/// <see cref="SipLeg"/> and <see cref="SipGateway"/>: <c>sip.bye</c> (client when we hang up, server when the peer
/// does), <c>sip.reinvite</c> (a peer's re-INVITE: hold, resume or a new media address), <c>sip.register</c> (a trunk's
/// registration), and the leg's media session, <c>media.rtp</c>, from the first RTP set-up to its end, with the media
/// events that matter for a call's quality as span events (<c>media.hold</c>, <c>media.resume</c>,
/// <c>media.redirect</c>) and the session's counters as tags when it ends.
/// </summary>
/// <remarks>
/// Span names and tags follow the INVITE spans' (<c>sip.method</c>, <c>sip.response.status_code</c>,
/// <c>ncco.call.uuid</c>); SIP has no OpenTelemetry semantic conventions yet. The spans of one leg share the leg's
/// trace: their parent is the context the leg was created with (the call's span for an outbound leg, the INVITE's for an
/// inbound one). Nothing is recorded unless something listens to the source. DTMF digits are not recorded (they are
/// PINs and card numbers as often as menu choices); their count is.
/// </remarks>
internal static class SipTracing
{
    /// <summary>Starts the client span of a BYE we send; the caller disposes it once the BYE is answered or given up.</summary>
    public static Activity? StartBye(ActivityContext leg, string legId)
    {
        var span = NccoTracing.Source.StartActivity("sip.bye", ActivityKind.Client, leg);
        if (span is null) return null;
        span.DisplayName = "SIP BYE";
        span.SetTag("sip.method", "BYE");
        span.SetTag("ncco.call.uuid", legId);
        return span;
    }

    /// <summary>Records how a dialog ended when we did not end it: a BYE from the peer is a server span, other ends an error.</summary>
    public static void PeerEnded(ActivityContext leg, string legId, CallEnd end)
    {
        if (!NccoTracing.Source.HasListeners()) return;
        using var span = NccoTracing.Source.StartActivity(end.Reason == CallEndReason.RemoteHangup ? "sip.bye" : "sip.dialog.end",
            end.Reason == CallEndReason.RemoteHangup ? ActivityKind.Server : ActivityKind.Internal, leg);
        if (span is null) return;
        span.DisplayName = end.Reason == CallEndReason.RemoteHangup ? "SIP BYE" : "SIP dialog ended";
        if (end.Reason == CallEndReason.RemoteHangup) span.SetTag("sip.method", "BYE");
        span.SetTag("ncco.call.uuid", legId);
        span.SetTag("sip.end.reason", end.Reason.ToString());
        if (end.StatusCode is { } status) span.SetTag("sip.response.status_code", status);
        if (end.Reason is CallEndReason.TransportFailure or CallEndReason.Timeout or CallEndReason.SessionExpired)
        {
            span.SetStatus(ActivityStatusCode.Error, end.Reason.ToString());
        }
    }

    /// <summary>A peer's re-INVITE as a server span (it is answered by the stack before the host sees it).</summary>
    public static void ReInvite(ActivityContext leg, string legId, NegotiatedAudio change)
    {
        if (!NccoTracing.Source.HasListeners()) return;
        using var span = NccoTracing.Source.StartActivity("sip.reinvite", ActivityKind.Server, leg);
        if (span is null) return;
        span.DisplayName = "SIP re-INVITE";
        span.SetTag("sip.method", "INVITE");
        span.SetTag("ncco.call.uuid", legId);
        span.SetTag("sip.media.direction", change.Direction.ToString());
        span.SetTag("sip.media.remote", change.RemoteAddress + ":" + change.RemotePort);
        span.SetTag("sip.media.codec", change.Codec.Name);
    }

    /// <summary>Starts the client span of a trunk's REGISTER.</summary>
    public static Activity? StartRegister(string trunk, string registrar, string addressOfRecord, TimeSpan expiry)
    {
        var span = NccoTracing.Source.StartActivity("sip.register", ActivityKind.Client, parentContext: default);
        if (span is null) return null;
        span.DisplayName = "SIP REGISTER";
        span.SetTag("sip.method", "REGISTER");
        span.SetTag("sip.trunk", trunk);
        span.SetTag("sip.registrar", registrar);
        span.SetTag("sip.address_of_record", addressOfRecord);
        span.SetTag("sip.expires", (int)expiry.TotalSeconds);
        return span;
    }

    /// <summary>Ends a REGISTER span with the registrar's answer (null when none came).</summary>
    public static void EndRegister(Activity? span, int? status, string? reason, bool registered)
    {
        if (span is null) return;
        if (status is { } code) span.SetTag("sip.response.status_code", code);
        span.SetTag("sip.registered", registered);
        if (!registered) span.SetStatus(ActivityStatusCode.Error, status is null ? reason ?? "no answer" : $"{status} {reason}");
        span.Dispose();
    }

    /// <summary>
    /// A refresh's answer (the stack refreshes a registration by itself and tells only the outcome), as a REGISTER
    /// span ending now.
    /// </summary>
    public static void RegisterRefreshed(string trunk, string registrar, string addressOfRecord, TimeSpan expiry, int? status, string? reason, bool registered)
    {
        if (!NccoTracing.Source.HasListeners()) return;
        var span = StartRegister(trunk, registrar, addressOfRecord, expiry);
        span?.SetTag("sip.register.refresh", true);
        EndRegister(span, status, reason, registered);
    }

    /// <summary>Starts the leg's media span when its RTP session starts.</summary>
    public static Activity? StartMedia(ActivityContext leg, string legId, NegotiatedAudio audio, int localPort)
    {
        var span = NccoTracing.Source.StartActivity("media.rtp", ActivityKind.Internal, leg);
        if (span is null) return null;
        span.DisplayName = "media RTP " + audio.Codec.Name;
        span.SetTag("ncco.call.uuid", legId);
        span.SetTag("media.codec", audio.Codec.Name);
        span.SetTag("media.clock_rate", audio.Codec.ClockRate);
        span.SetTag("media.ptime_ms", audio.PtimeMs);
        span.SetTag("media.local_port", localPort);
        span.SetTag("media.remote", audio.RemoteAddress + ":" + audio.RemotePort);
        span.SetTag("media.telephone_event", audio.TelephoneEventPayloadType is not null);
        return span;
    }

    /// <summary>Adds a media change a re-INVITE made to the media span: hold, resume or a new remote address.</summary>
    public static void MediaChanged(Activity? span, NegotiatedAudio change, bool wasHeld)
    {
        if (span is null) return;
        var name = change.IsOnHold ? "media.hold" : wasHeld ? "media.resume" : "media.redirect";
        span.AddEvent(new ActivityEvent(name, tags: new ActivityTagsCollection
        {
            ["sip.media.direction"] = change.Direction.ToString(),
            ["media.remote"] = change.RemoteAddress + ":" + change.RemotePort,
        }));
    }

    /// <summary>Ends the media span with the session's counters.</summary>
    public static void EndMedia(Activity? span, RtpSessionStatistics? statistics, int digits)
    {
        if (span is null) return;
        if (statistics is not null)
        {
            span.SetTag("media.packets_sent", statistics.PacketsSent);
            span.SetTag("media.packets_received", statistics.PacketsReceived);
            span.SetTag("media.packets_malformed", statistics.Malformed);
            span.SetTag("media.frames_concealed", statistics.ConcealedFrames);
            span.SetTag("media.send_errors", statistics.SendErrors);
            span.SetTag("media.latched", statistics.Latched);
            if (statistics.PacketsReceived == 0) span.AddEvent(new ActivityEvent("media.no_inbound_rtp"));
        }
        span.SetTag("media.dtmf_digits", digits);
        span.Dispose();
    }
}
