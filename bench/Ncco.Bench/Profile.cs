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
        var timing = new TimingHandler { InnerHandler = app.Server.CreateHandler() };
        using var client = new HttpClient(timing) { BaseAddress = app.Server.BaseAddress };
        await Measure("AspNetIvr_MenuFlow", calls, () => timing.Reset(), () => timing.Snapshot(),
            () => VoiceSimulator.Start(app.Server.BaseAddress, client: client));
        var delegates = new TimingTransport(IvrFlows.DelegateIvr());
        await Measure("DelegateIvr_MenuFlow", calls, () => delegates.Reset(), () => delegates.Snapshot(),
            () => VoiceSimulator.Start(delegates));
    }

    private static async Task Measure(string name, int calls, Action reset, Func<(long Ticks, int Count)> inApp, Func<VoiceSimulator> start)
    {
        for (var i = 0; i < 200; i++)
        {
            await using var warm = start();
            await IvrFlows.MenuFlowAsync(warm);
        }
        reset();
        var steps = 0L;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            await using var sim = start();
            await IvrFlows.MenuFlowAsync(sim);
            steps += 7;
        }
        sw.Stop();
        var (ticks, count) = inApp();
        var total = sw.Elapsed.TotalMilliseconds / calls;
        var app = TimeSpan.FromTicks(ticks).TotalMilliseconds / calls;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-22} wall={total:0.000}ms/call  in app (webhook round trips)={app:0.000}ms ({100 * app / total:0}%, {(double)count / calls:0.0} webhooks/call, {1000 * app / Math.Max(1, (double)count / calls):0}µs each)  "
            + $"VM + simulator + thread hand-offs={total - app:0.000}ms ({100 * (total - app) / total:0}%, {1000 * (total - app) / (steps / (double)calls):0}µs per DSL step)"));
    }

    private sealed class TimingHandler : DelegatingHandler
    {
        private long _ticks;
        private int _count;

        public void Reset()
        {
            _ticks = 0;
            _count = 0;
        }

        public (long, int) Snapshot() => (Interlocked.Read(ref _ticks), _count);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _ticks, Stopwatch.GetElapsedTime(start).Ticks);
            Interlocked.Increment(ref _count);
            return response;
        }
    }

    private sealed class TimingTransport(WebhookApp inner) : IWebhookTransport
    {
        private long _ticks;
        private int _count;

        public void Reset()
        {
            _ticks = 0;
            _count = 0;
        }

        public (long, int) Snapshot() => (Interlocked.Read(ref _ticks), _count);

        public async Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            var response = await inner.SendAsync(request, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _ticks, Stopwatch.GetElapsedTime(start).Ticks);
            Interlocked.Increment(ref _count);
            return response;
        }
    }
}
