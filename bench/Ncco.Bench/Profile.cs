using System.Diagnostics;
using System.Globalization;
using Ncco.Testing;
using Ncco.Testing.Hosting;
using Ncco.Webhooks;

namespace Ncco.Bench;

/// <summary>
/// `profile` mode: where the wall time of one simulated call goes. The app's webhooks are timed where they leave the
/// simulator (the app's request pipeline called directly, or HTTP client + TestServer + the app, or the delegate), the rest is the VM, the
/// simulator's run loop and its thread hand-offs.
/// </summary>
internal static class Profile
{
    public static async Task RunAsync(int calls)
    {
        await using var app = await InProcessApp.StartAsync<Program>();
        // The app's pipeline as the simulator calls it (InProcessApp.CreateWebhookTransport), timed per webhook.
        var pipelineClock = new RoundTripClock();
        var pipeline = new TimingTransport(app.CreateWebhookTransport(), pipelineClock);
        await Measure("AspNetIvr_MenuFlow", calls, pipelineClock, () => VoiceSimulator.Start(pipeline, o => o.PublicBaseUrl("http://localhost")));
        await Measure("AspNetIvr_SilenceFlow", calls, pipelineClock, () => VoiceSimulator.Start(pipeline, o => o.PublicBaseUrl("http://localhost")), IvrFlows.SilenceFlowAsync);
        // The same app through an HttpClient on the test server (how in-process apps were reached before).
        var httpClock = new RoundTripClock();
        using var client = new HttpClient(new TimingHandler(httpClock) { InnerHandler = app.Server.CreateHandler() }) { BaseAddress = app.Server.BaseAddress };
        await Measure("AspNetIvr_MenuFlow_Http", calls, httpClock, () => VoiceSimulator.Start(app.Server.BaseAddress, client: client));
        var delegateClock = new RoundTripClock();
        var delegates = new TimingTransport(IvrFlows.DelegateIvr(), delegateClock);
        await Measure("DelegateIvr_MenuFlow", calls, delegateClock, () => VoiceSimulator.Start(delegates));
        await Measure("DelegateIvr_SilenceFlow", calls, delegateClock, () => VoiceSimulator.Start(delegates), IvrFlows.SilenceFlowAsync);
    }

    private static async Task Measure(string name, int calls, RoundTripClock inApp, Func<VoiceSimulator> start, Func<VoiceSimulator, Task<TimeSpan>>? flow = null)
    {
        flow ??= IvrFlows.MenuFlowAsync;
        var dslSteps = flow == IvrFlows.MenuFlowAsync ? 7 : 3;
        for (var i = 0; i < 200; i++)
        {
            await using var warm = start();
            await flow(warm);
        }
        inApp.Reset();
        var steps = 0L;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            await using var sim = start();
            await flow(sim);
            steps += dslSteps;
        }
        sw.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var (ticks, count, synchronous) = inApp.Snapshot();
        var total = sw.Elapsed.TotalMilliseconds / calls;
        var app = TimeSpan.FromTicks(ticks).TotalMilliseconds / calls;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-22} wall={total:0.000}ms/call  in app (webhook round trips)={app:0.000}ms ({100 * app / total:0}%, {(double)count / calls:0.0} webhooks/call, {1000 * app / Math.Max(1, (double)count / calls):0}µs each)  "
            + $"VM + simulator + thread hand-offs={total - app:0.000}ms ({100 * (total - app) / total:0}%, {1000 * (total - app) / (steps / (double)calls):0}µs per DSL step)  "
            + $"answered on the caller's thread={100.0 * synchronous / Math.Max(1, count):0}%  CPU={cpu.TotalMilliseconds / calls:0.000}ms/call"));
    }

    /// <summary>Time spent inside the app's webhooks, summed over every round trip since the last reset.</summary>
    private sealed class RoundTripClock
    {
        private long _ticks;
        private int _count;
        private int _synchronous;

        public void Reset()
        {
            Interlocked.Exchange(ref _ticks, 0);
            Interlocked.Exchange(ref _count, 0);
            Interlocked.Exchange(ref _synchronous, 0);
        }

        public (long Ticks, int Count, int Synchronous) Snapshot() => (Interlocked.Read(ref _ticks), Volatile.Read(ref _count), Volatile.Read(ref _synchronous));

        public void Add(long startTimestamp, bool synchronous = false)
        {
            Interlocked.Add(ref _ticks, Stopwatch.GetElapsedTime(startTimestamp).Ticks);
            Interlocked.Increment(ref _count);
            if (synchronous) Interlocked.Increment(ref _synchronous);
        }
    }

    private sealed class TimingHandler(RoundTripClock clock) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            clock.Add(start);
            return response;
        }
    }

    private sealed class TimingTransport(IWebhookTransport inner, RoundTripClock clock) : IWebhookTransport
    {
        public Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            var answer = inner.SendAsync(request, cancellationToken);
            if (answer.IsCompleted)
            {
                clock.Add(start, synchronous: true);
                return answer;
            }
            return Later(answer, start);
        }

        private async Task<WebhookResponse> Later(Task<WebhookResponse> answer, long start)
        {
            var response = await answer.ConfigureAwait(false);
            clock.Add(start);
            return response;
        }
    }
}
