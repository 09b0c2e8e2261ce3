using System.Diagnostics;
using System.Globalization;
using Ncco.Testing;
using Ncco.Testing.Hosting;
using Ncco.Webhooks;

namespace Ncco.Bench;

/// <summary>
/// `profile` mode: where the wall time of one simulated call goes. The app's webhooks are timed where they leave the
/// simulator (HTTP client pipeline + TestServer + the app's endpoint, or the delegate), the rest is the VM, the
/// simulator's run loop and its thread hand-offs.
/// </summary>
internal static class Profile
{
    public static async Task RunAsync(int calls)
    {
        await using var app = await InProcessApp.StartAsync<Program>();
        var httpClock = new RoundTripClock();
        using var client = new HttpClient(new TimingHandler(httpClock) { InnerHandler = app.Server.CreateHandler() }) { BaseAddress = app.Server.BaseAddress };
        await Measure("AspNetIvr_MenuFlow", calls, httpClock, () => VoiceSimulator.Start(app.Server.BaseAddress, client: client));
        var delegateClock = new RoundTripClock();
        var delegates = new TimingTransport(IvrFlows.DelegateIvr(), delegateClock);
        await Measure("DelegateIvr_MenuFlow", calls, delegateClock, () => VoiceSimulator.Start(delegates));
    }

    private static async Task Measure(string name, int calls, RoundTripClock inApp, Func<VoiceSimulator> start)
    {
        for (var i = 0; i < 200; i++)
        {
            await using var warm = start();
            await IvrFlows.MenuFlowAsync(warm);
        }
        inApp.Reset();
        var steps = 0L;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            await using var sim = start();
            await IvrFlows.MenuFlowAsync(sim);
            steps += 7;
        }
        sw.Stop();
        var (ticks, count) = inApp.Snapshot();
        var total = sw.Elapsed.TotalMilliseconds / calls;
        var app = TimeSpan.FromTicks(ticks).TotalMilliseconds / calls;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-22} wall={total:0.000}ms/call  in app (webhook round trips)={app:0.000}ms ({100 * app / total:0}%, {(double)count / calls:0.0} webhooks/call, {1000 * app / Math.Max(1, (double)count / calls):0}µs each)  "
            + $"VM + simulator + thread hand-offs={total - app:0.000}ms ({100 * (total - app) / total:0}%, {1000 * (total - app) / (steps / (double)calls):0}µs per DSL step)"));
    }

    /// <summary>Time spent inside the app's webhooks, summed over every round trip since the last reset.</summary>
    private sealed class RoundTripClock
    {
        private long _ticks;
        private int _count;

        public void Reset()
        {
            Interlocked.Exchange(ref _ticks, 0);
            Interlocked.Exchange(ref _count, 0);
        }

        public (long Ticks, int Count) Snapshot() => (Interlocked.Read(ref _ticks), Volatile.Read(ref _count));

        public void Add(long startTimestamp)
        {
            Interlocked.Add(ref _ticks, Stopwatch.GetElapsedTime(startTimestamp).Ticks);
            Interlocked.Increment(ref _count);
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

    private sealed class TimingTransport(WebhookApp inner, RoundTripClock clock) : IWebhookTransport
    {
        public async Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            var response = await inner.SendAsync(request, cancellationToken).ConfigureAwait(false);
            clock.Add(start);
            return response;
        }
    }
}
