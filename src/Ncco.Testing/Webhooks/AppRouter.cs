using Ncco.Calls;
using Ncco.Diagnostics;
using Ncco.Scheduling;
using Ncco.Webhooks;

namespace Ncco.Testing.Webhooks;

/// <summary>
/// Between the VM and the app under test: sends only webhooks to the app's own hosts (rewriting its public host to
/// the URL it really listens on, for apps reached by URL), refuses the rest, turns an exception of an in-process or
/// delegate app into a 500, and reports every error answer the test did not allow as a problem
/// which the simulator throws at the step it happened in.
/// </summary>
internal sealed class AppRouter(IWebhookTransport inner, SimulatorOptions options, bool rewritePublicHosts, CallLog log, VmScheduler scheduler) : IWebhookTransport
{
    private readonly Queue<string> _problems = new();
    private bool _reported;

    /// <summary>
    /// Takes the first problem, once: what follows it (the retry of the same request, the fallback, the error event)
    /// is its consequence, and a test that caught the first failure should not see them again at dispose.
    /// </summary>
    public bool TryTakeProblem(out string problem)
    {
        lock (_problems)
        {
            problem = "";
            if (_reported || !_problems.TryDequeue(out var first)) return false;
            _reported = true;
            _problems.Clear();
            problem = first;
            return true;
        }
    }

    /// <summary>True while a problem waits to be taken (<see cref="TryTakeProblem"/>).</summary>
    public bool HasProblem
    {
        get
        {
            lock (_problems) return !_reported && _problems.Count > 0;
        }
    }

    public async Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!options.IsAppHost(request.Uri))
        {
            var host = request.Uri.GetLeftPart(UriPartial.Authority);
            Report($"The app sent a webhook to {request.Uri.GetLeftPart(UriPartial.Path)} ({Describe(request)}), whose host is not the app's "
                + $"({string.Join(", ", options.AppHosts)}): it was refused, as an unknown host would be. If that host is the app, say so with "
                + (options.ForScenarioFiles
                    ? $"app: {{ public_url: {host} }} in the scenario file, or ncco test --public-url {host}."
                    : $"SimulatorOptions.PublicBaseUrl(\"{host}\")."));
            return WebhookResponse.ConnectionFailed;
        }
        // The platform's answer timeouts (5 s for an answer webhook, 10 s for an event by default) are platform time;
        // in the simulator an answer takes no virtual time, so they can never expire on the call's clock. Enforcing them
        // on the machine's clock would fail a correct app whenever the test machine stalls (a loaded CI box, a GC pause,
        // thread-pool growth), a different step on each run. The only real-time limit is the run's guard against an app
        // that never answers; a test of the timeout path has its app answer WebhookResponse.TimedOut.
        var routed = request with { Timeout = options.WebhookGuard };
        if (rewritePublicHosts && !string.Equals(request.Uri.Host, options.BaseUrl.Host, StringComparison.OrdinalIgnoreCase))
            routed = routed with { Uri = new Uri(options.BaseUrl, request.Uri.PathAndQuery) };
        WebhookResponse response;
        // Real time, on purpose: it tells an app stuck past the guard from a delegate answering TimedOut at once.
        var sent = TimeProvider.System.GetTimestamp();
        try
        {
            response = await inner.SendAsync(routed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.OnActivity(scheduler.UtcNow, null, VmActivity.Error, $"webhook app threw {e.GetType().Name}: {e.Message}");
            response = WebhookResponse.Status(500);
        }
        if (!response.IsSuccess && !options.ErrorAllowed(request.Uri))
        {
            var path = request.Uri.AbsolutePath;
            // Half the guard, not all of it: a timer can fire a little before a stopwatch reads its full period, and a
            // delegate answering TimedOut at once takes microseconds, so the two never meet in the middle.
            if (response.Failure == WebhookFailure.Timeout && TimeProvider.System.GetElapsedTime(sent) >= options.WebhookGuard / 2)
            {
                Report(Stuck(request, path));
                return response;
            }
            Report($"The app answered {request.Method.ToString().ToUpperInvariant()} {request.Uri.GetLeftPart(UriPartial.Path)} ({Describe(request)}) with "
                + $"{Answer(response)}. An unhandled webhook is a misconfiguration: map that path in the app or point "
                + (options.ForScenarioFiles
                    ? "the scenario at the right one (app: { answer_url: …, event_url: … } in the file, or ncco test --answer-url/--event-url); "
                      + $"if the scenario means it (the fallback answer URL's case, say), allow it with app: {{ allow_webhook_errors: [{path}] }}."
                    : "the simulator at the right one (SimulatorOptions.AnswerUrl/EventUrl); "
                      + $"if the test means it, allow it with SimulatorOptions.AllowWebhookErrors(\"{path}\")."));
        }
        return response;
    }

    // Not "answered with timed out … map that path": the path is mapped, its handler never finished.
    private string Stuck(WebhookRequest request, string path)
    {
        var guard = options.WebhookGuard.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        var what = $"The app did not answer {request.Method.ToString().ToUpperInvariant()} {request.Uri.GetLeftPart(UriPartial.Path)} ({Describe(request)}) ";
        return options.ForScenarioFiles
            ? what + $"within {guard} s of real time: its handler is stuck or far too slow (a webhook is answered in milliseconds, "
                + $"the call's own time does not pass while it waits). If the scenario means a timeout, allow it with app: {{ allow_webhook_errors: [{path}] }}."
            : what + $"within SimulatorOptions.WebhookGuard ({guard} s of real time): its handler is stuck. Virtual time does not pass while a "
                + "webhook is in flight, so a handler that awaits the virtual clock (a delay on sim.Clock or the app's TimeProvider) or "
                + "anything else that never completes holds the call; delay in background work instead. If the test means a timeout, "
                + $"answer WebhookResponse.TimedOut from a delegate app, or allow it with SimulatorOptions.AllowWebhookErrors(\"{path}\").";
    }

    private void Report(string problem)
    {
        lock (_problems)
        {
            if (!_reported) _problems.Enqueue(problem);
        }
    }

    private static string Answer(WebhookResponse response) => response.Failure switch
    {
        WebhookFailure.None => $"HTTP {response.StatusCode}",
        _ => response.Describe(),
    };

    private static string Describe(WebhookRequest request) => request.Kind switch
    {
        WebhookKind.Answer => "answer webhook",
        WebhookKind.Fallback => "fallback answer webhook",
        _ => request.Payload switch
        {
            Events.CallStatusEvent s => $"status event \"{s.Status}\"",
            Events.InputEvent => "input result",
            Events.RecordEvent => "record event",
            Events.NotifyEvent => "notify",
            _ => "event",
        },
    };
}
