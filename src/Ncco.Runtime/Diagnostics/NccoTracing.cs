using System.Diagnostics;
using Ncco.Calls;
using Ncco.Events;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Webhooks;

namespace Ncco.Diagnostics;

/// <summary>
/// The calls' traces, on the <see cref="ActivitySource"/> named <see cref="SourceName"/>: one trace per call (the
/// <c>ncco.call</c> span of its first leg; legs a <c>connect</c> dials are children of the action that dialled them),
/// a span per NCCO action, a span per webhook attempt whose W3C <c>traceparent</c> is sent to the application so its
/// own traces join the call's, and the call's events (status, playback, party, conversation, errors) as span events.
/// Nothing is recorded unless something listens (OpenTelemetry's <c>AddSource(NccoTracing.SourceName)</c>).
/// </summary>
/// <remarks>
/// The source is a static like every <see cref="ActivitySource"/> in .NET (HttpClient's, ASP.NET Core's): listeners
/// subscribe by name process-wide, so an instance per VM would not change who sees what. Span times come from the VM's
/// clock (<see cref="Scheduling.VmScheduler.UtcNow"/>), so traces of virtual-time tests are deterministic.
/// </remarks>
public static class NccoTracing
{
    /// <summary>The name of the calls' activity source.</summary>
    public const string SourceName = "Ncco.Calls";

    /// <summary>The calls' activity source (host transports add their own spans to it: SIP transactions, media).</summary>
    public static ActivitySource Source { get; } = new(SourceName, typeof(NccoTracing).Assembly.GetName().Version?.ToString(3));

    /// <summary>Starts a leg's <c>ncco.call</c> span: a child of <paramref name="parent"/> when given (a SIP INVITE's span), else of
    /// the current span when it is one of ours (the <c>connect</c> action dialling it), else the root of a new trace linked to
    /// whatever was current, or to <paramref name="requester"/> (the HTTP request that created the call: the VM thread
    /// that starts the span does not run in the request's execution context, so its span is captured before and passed).</summary>
    internal static Activity? StartCall(NccoVm vm, string legId, string direction, string to, string endpointType, ActivityContext parent,
        ActivityContext requester = default)
    {
        if (!Source.HasListeners()) return null;
        var current = Activity.Current;
        ActivityLink[]? links = null;
        if (parent == default)
        {
            if (current is { Source.Name: SourceName }) parent = current.Context;
            else if (current is not null) links = [new ActivityLink(current.Context)];
            else if (requester != default) links = [new ActivityLink(requester)];
        }
        var span = Source.StartActivity("ncco.call",
            direction == Direction.Inbound ? ActivityKind.Server : ActivityKind.Client, parent, links: links, startTime: vm.Scheduler.UtcNow);
        // A call's span is not the ambient span of whoever created it (a REST request, the SIP gateway).
        Activity.Current = current;
        if (span is null) return null;
        span.DisplayName = "ncco.call " + direction;
        span.SetTag("ncco.call.uuid", legId);
        span.SetTag("ncco.call.direction", direction);
        span.SetTag("ncco.call.to", to);
        span.SetTag("ncco.endpoint.type", endpointType);
        span.SetTag("ncco.application.id", vm.Application.ApplicationId);
        return span;
    }

    /// <summary>
    /// Ends a leg's span with its final status, once the leg has ended and that status is known (the VM raises
    /// <c>completed</c> just after marking the leg ended; a failed dial's status comes first). Idempotent.
    /// </summary>
    internal static void EndCallIfOver(CallLeg leg)
    {
        if (leg.Span is not { IsStopped: false } span || !leg.IsEnded || !CallStatus.IsFinal(leg.Status)) return;
        span.SetTag("ncco.call.status", leg.Status);
        if (leg.EndedBy is { } by) span.SetTag("ncco.call.disconnected_by", by);
        if (leg.Status == CallStatus.Failed) span.SetStatus(ActivityStatusCode.Error, "call failed");
        span.SetEndTime((leg.EndedAt ?? leg.Vm.Scheduler.UtcNow).UtcDateTime);
        span.Stop();
    }

    /// <summary>Starts the span of one NCCO action on <paramref name="leg"/>; it is the current span while the action runs.</summary>
    internal static Activity? StartAction(CallLeg leg, NccoAction action, int index)
    {
        if (leg.Span is not { } call) return null;
        var span = Source.StartActivity("ncco.action", ActivityKind.Internal, call.Context, startTime: leg.Vm.Scheduler.UtcNow);
        if (span is null) return null;
        span.DisplayName = "ncco " + action.Name;
        span.SetTag("ncco.action", action.Name);
        span.SetTag("ncco.action.index", index);
        span.SetTag("ncco.call.uuid", leg.Id);
        return span;
    }

    /// <summary>Ends an action's span with how it ended (<c>next</c>, <c>replace</c>, <c>park</c>, <c>cancelled</c>).</summary>
    internal static void EndAction(CallLeg leg, Activity? span, Activity? previous, string outcome)
    {
        if (span is null) return;
        span.SetTag("ncco.action.outcome", outcome);
        span.SetEndTime(leg.Vm.Scheduler.UtcNow.UtcDateTime);
        span.Stop();
        Restore(previous);
    }

    /// <summary>
    /// Makes <paramref name="previous"/> the current span again, unless it has stopped meanwhile (a webhook's span, or
    /// the action's, ended while this one ran). Assigning a stopped activity to <see cref="Activity.Current"/> is
    /// refused by .NET, which reports that by throwing and catching an <see cref="InvalidOperationException"/> inside
    /// the setter: on a call's normal path that was two first-chance exceptions per call.
    /// </summary>
    internal static void Restore(Activity? previous)
    {
        if (previous is null || !previous.IsStopped) Activity.Current = previous;
    }

    /// <summary>
    /// Starts a webhook attempt's client span under the leg's call (or the current action) and writes its W3C
    /// <c>traceparent</c>/<c>tracestate</c> into <paramref name="headers"/>.
    /// </summary>
    internal static Activity? StartWebhook(DateTimeOffset now, ActivityContext leg, WebhookKind kind, WebhookMethod method, Uri uri, int attempt, Dictionary<string, string> headers)
    {
        if (!Source.HasListeners()) return null;
        var current = Activity.Current;
        var parent = current is { Source.Name: SourceName } ? current.Context : leg;
        var span = Source.StartActivity("ncco.webhook", ActivityKind.Client, parent, startTime: now);
        if (span is null) return null;
        var (name, displayName) = NamesOf(kind);
        span.DisplayName = displayName;
        span.SetTag("ncco.webhook.kind", name);
        span.SetTag("ncco.webhook.attempt", attempt);
        span.SetTag("http.request.method", method == WebhookMethod.Get ? "GET" : "POST");
        // Scheme, host and path only: a GET webhook's query is the event itself.
        span.SetTag("url.full", uri.GetLeftPart(UriPartial.Path));
        span.SetTag("server.address", uri.Host);
        span.SetTag("server.port", uri.Port);
        if (span.Id is { } id && span.IdFormat == ActivityIdFormat.W3C)
        {
            headers["traceparent"] = id;
            if (span.TraceStateString is { Length: > 0 } state) headers["tracestate"] = state;
        }
        return span;
    }

    /// <summary>Ends a webhook attempt's span with its outcome.</summary>
    internal static void EndWebhook(Activity? span, DateTimeOffset now, WebhookResponse response)
    {
        if (span is null) return;
        if (response.Failure == WebhookFailure.None) span.SetTag("http.response.status_code", response.StatusCode);
        if (response.Failure != WebhookFailure.None || response.StatusCode >= 400)
        {
            var error = response.Failure != WebhookFailure.None ? response.Failure.ToString() : response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            span.SetTag("error.type", error);
            span.SetStatus(ActivityStatusCode.Error, error);
        }
        span.SetEndTime(now.UtcDateTime);
        span.Stop();
    }

    /// <summary>
    /// A webhook kind's tag value (its name in lower case) and span name, as constants: per webhook attempt, the strings
    /// built from the enum's name were three allocations each (issue 19).
    /// </summary>
    internal static (string Name, string DisplayName) NamesOf(WebhookKind kind) => kind switch
    {
        WebhookKind.Answer => ("answer", "webhook answer"),
        WebhookKind.Event => ("event", "webhook event"),
        WebhookKind.Fallback => ("fallback", "webhook fallback"),
        _ => (kind.ToString().ToLowerInvariant(), "webhook " + kind.ToString().ToLowerInvariant()),
    };

    /// <summary>The span event name of an activity line (<c>ncco.</c> and its name in lower case), as a constant.</summary>
    internal static string EventNameOf(VmActivity activity) => activity switch
    {
        VmActivity.Action => "ncco.action",
        VmActivity.Status => "ncco.status",
        VmActivity.Played => "ncco.played",
        VmActivity.Stopped => "ncco.stopped",
        VmActivity.Party => "ncco.party",
        VmActivity.Conversation => "ncco.conversation",
        VmActivity.Control => "ncco.control",
        VmActivity.Error => "ncco.error",
        VmActivity.Info => "ncco.info",
        VmActivity.Warning => "ncco.warning",
        _ => "ncco." + activity.ToString().ToLowerInvariant(),
    };

    /// <summary>Adds one of the VM's activity lines to the leg's span as an event (errors also mark the span).</summary>
    internal static void AddEvent(CallLeg leg, DateTimeOffset at, VmActivity activity, string message)
    {
        if (leg.Span is not { } span || activity is VmActivity.Action or VmActivity.Info) return;
        span.AddEvent(new ActivityEvent(EventNameOf(activity), at,
            new ActivityTagsCollection { ["ncco.message"] = message }));
        if (activity == VmActivity.Error) span.SetStatus(ActivityStatusCode.Error, message);
        if (activity == VmActivity.Status) EndCallIfOver(leg);
    }
}
