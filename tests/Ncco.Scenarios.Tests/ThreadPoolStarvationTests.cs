using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Ncco.Model;
using Ncco.Scenarios.Tests.Support;
using Ncco.Testing;
using Ncco.Testing.Hosting;
using Ncco.Webhooks;

namespace Ncco.Scenarios.Tests;

/// <summary>The thread pool is the process's: these tests change its limits, so nothing else runs beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadPoolCollection
{
    public const string Name = "thread pool limits";
}

/// <summary>
/// Virtual time does not wait for free thread-pool threads. Test hosts block pool threads (VSTest's host did, and made
/// the first scenario of a process take a second), and suites run many scenarios at once: the simulator's runs, the
/// virtual clock and webhooks to a delegate app or to an in-process ASP.NET app that answers without waiting need no
/// pool thread at all, and an app that does wait needs only the pool threads its own code waits on. Every run here is
/// bounded in count and in real time, so a regression fails with a message instead of hanging the suite.
/// </summary>
[Collection(ThreadPoolCollection.Name)]
public sealed class ThreadPoolStarvationTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private WebApplication _app = null!;
    private InProcessPipeline _pipeline = null!;

    public async Task InitializeAsync()
    {
        _app = PipelineApp.Create();
        // The same menu twice: /sync answers without waiting, /async yields first (the simulator must hand the run over
        // and wait for the app's answer on a thread of its own).
        foreach (var prefix in new[] { "sync", "async" })
        {
            var yields = prefix == "async";
            _app.MapGet($"/{prefix}/answer", async (HttpRequest r) =>
            {
                if (yields) await Task.Yield();
                return Results.Content(Menu($"{r.Scheme}://{r.Host}/{prefix}/menu").ToJson(), "application/json");
            });
            _app.MapPost($"/{prefix}/menu", async (HttpRequest r) =>
            {
                using var reader = new StreamReader(r.Body);
                var body = await reader.ReadToEndAsync();
                if (yields) await Task.Yield();
                var text = body.Contains("\"digits\":\"1\"", StringComparison.Ordinal) ? "Sales. Goodbye." : "Goodbye.";
                return Results.Content(NccoBuilder.Create().Talk(text).Build().ToJson(), "application/json");
            });
            _app.MapPost($"/{prefix}/event", () => Results.NoContent());
        }
        await _app.StartAsync();
        _pipeline = PipelineApp.Pipeline(_app);
        // A started app, as a suite has it after its first scenario. ASP.NET's endpoint routing builds its matcher on the
        // app's first request, and requests arriving while it builds wait for it with a continuation on the pool: that
        // cold start is the app's, not the simulator's.
        await ScenarioAsync(AspNet("sync"), -1);
        await ScenarioAsync(AspNet("async"), -2);
        _progress.Clear();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static NccoDocument Menu(string eventUrl) => NccoBuilder.Create()
        .Talk("Welcome. For sales, press 1.", bargeIn: true)
        .Input(InputTypes.Dtmf, eventUrl: eventUrl, dtmf: new() { MaxDigits = 1, Timeout = 5 })
        .Build();

    private static WebhookApp DelegateApp() => new WebhookApp()
        .Map("/webhooks/answer", Menu("https://app.example/webhooks/menu"))
        .Map("/webhooks/menu", r => NccoBuilder.Create().Talk(r.Digits == "1" ? "Sales. Goodbye." : "Goodbye.").Build())
        .Map("/webhooks/event", _ => null);

    private VoiceSimulator AspNet(string prefix) => VoiceSimulator.Start(new Transport(_pipeline), o => o
        .PublicBaseUrl("http://localhost")
        .AnswerUrl($"/{prefix}/answer")
        .EventUrl($"/{prefix}/event"));

    /// <summary>One scenario: press 1 in the menu (the sales branch), or stay silent through the timeout.</summary>
    private readonly ConcurrentDictionary<int, (string Step, VoiceSimulator Sim)> _progress = new();

    private async Task ScenarioAsync(VoiceSimulator sim, int n, bool concurrentSteps = false)
    {
        _progress[n] = ("call", sim);
        await using (sim)
        {
            var call = await sim.CallAsync("447700900" + (Math.Abs(n) % 1000).ToString("000", System.Globalization.CultureInfo.InvariantCulture), "447700900000");
            _progress[n] = ("hear menu", sim);
            if (concurrentSteps)
            {
                // Two steps at once on one simulator: the second waits for the first's run.
                await Task.WhenAll(call.HearsAsync("For sales, press 1").AsTask(), call.ReceivedEventAsync("answered").AsTask());
            }
            else
            {
                await call.HearsAsync("For sales, press 1");
            }
            _progress[n] = ("rest", sim);
            if (n % 2 == 0)
            {
                await call.PressAsync("1");
                await call.HearsAsync("Sales. Goodbye.");
            }
            else
            {
                await call.HearsAsync("Goodbye.");
            }
            _progress[n] = ("ends", sim);
            await call.EndsAsync();
            _progress[n] = ("done", sim);
        }
    }

    [Fact]
    public void Scenarios_finish_with_every_pool_thread_blocked_when_the_app_answers_without_waiting()
    {
        // As xunit v2 runs tests: each on a thread of the runner's own with a synchronization context, none on the pool.
        using var pool = BlockedPool.BlockAll();
        const int Scenarios = 24;
        var failures = new ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, Scenarios).Select(n => new Thread(() =>
        {
            try
            {
                SingleThreadContext.Run(() => ScenarioAsync(n % 3 == 0 ? VoiceSimulator.Start(DelegateApp()) : AspNet("sync"), n, concurrentSteps: n % 4 == 0));
            }
            catch (Exception e)
            {
                failures.Enqueue($"scenario {n}: {e.GetType().Name}: {e.Message}");
            }
        }) { IsBackground = true, Name = $"scenario {n} ({(n % 3 == 0 ? "delegate app" : "ASP.NET app")})" }).ToList();
        threads.ForEach(t => t.Start());
        var deadline = DateTime.UtcNow + Limit;
        var stalled = threads.Where(t => !t.Join(Max(deadline - DateTime.UtcNow, TimeSpan.Zero))).Select(t => t.Name).ToList();
        Assert.True(pool.StillBlocked, "the blocking work items must hold every pool thread for the whole test");
        Assert.True(stalled.Count == 0, $"{stalled.Count} of {Scenarios} scenarios did not finish within {Limit.TotalSeconds} s with every pool thread blocked: {string.Join(", ", stalled)}; "
            + string.Join("; ", _progress.Where(p => p.Value.Step != "done").Select(p => $"{p.Key}: {p.Value.Step} inflight={p.Value.Sim.Scheduler.InFlight} runnable={p.Value.Sim.Scheduler.HasRunnableWork}")));
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Many_scenarios_at_once_finish_on_a_pool_with_one_free_thread()
    {
        // The tests' own awaits and an app that waits need the pool; one free thread is enough for all of them.
        using var pool = BlockedPool.BlockAllBut(1);
        const int Scenarios = 48;
        var runs = Enumerable.Range(0, Scenarios).Select(n => Task.Run(() => ScenarioAsync(
            (n % 3) switch { 0 => VoiceSimulator.Start(DelegateApp()), 1 => AspNet("sync"), _ => AspNet("async") }, n, concurrentSteps: n % 4 == 0)));
        var all = Task.WhenAll(runs);
        var finished = await Task.WhenAny(all, Task.Delay(Limit));
        Assert.True(finished == all, $"{runs.Count(t => !t.IsCompleted)} of {Scenarios} scenarios did not finish within {Limit.TotalSeconds} s on a pool with one free thread");
        await all;
        Assert.True(pool.StillBlocked, "the blocking work items must hold their pool threads for the whole test");
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed class Transport(InProcessPipeline pipeline) : IWebhookTransport
    {
        public Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken) =>
            pipeline.SendAsync(request, HttpWebhookTransport.DefaultMaxResponseBytes, cancellationToken);
    }

    /// <summary>
    /// Caps the pool a little above the threads it has (the test host keeps some of them blocked itself), holds every
    /// pool thread on blocking work — proven by a blocking work item that stays queued — then frees <c>free</c> of
    /// them; restores the limits on dispose. Work items that start once the pool is held return at once, so a freed
    /// thread stays free.
    /// </summary>
    private sealed class BlockedPool : IDisposable
    {
        private readonly SemaphoreSlim _release = new(0);
        private readonly int _minWorkers;
        private readonly int _minIo;
        private readonly int _maxWorkers;
        private readonly int _maxIo;
        private int _held;
        private int _expected;
        private volatile bool _saturated;

        private BlockedPool(int free)
        {
            ThreadPool.GetMinThreads(out _minWorkers, out _minIo);
            ThreadPool.GetMaxThreads(out _maxWorkers, out _maxIo);
            var cap = Math.Max(Environment.ProcessorCount, ThreadPool.ThreadCount) + 2;
            // The minimum at the cap makes the pool start threads for queued work at once instead of one per half second.
            if (cap >= _minWorkers)
            {
                Assert.True(ThreadPool.SetMaxThreads(cap, _maxIo), "could not cap the pool");
                Assert.True(ThreadPool.SetMinThreads(cap, _minIo), "could not raise the pool's minimum");
            }
            else
            {
                Assert.True(ThreadPool.SetMinThreads(cap, _minIo), "could not lower the pool's minimum");
                Assert.True(ThreadPool.SetMaxThreads(cap, _maxIo), "could not cap the pool");
            }
            for (var i = 0; i < cap + 4; i++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(_ =>
                {
                    if (_saturated) return;
                    Interlocked.Increment(ref _held);
                    _release.Wait();
                    Interlocked.Decrement(ref _held);
                }, null);
            }
            // Held when the number of blocked items stops growing while some are still queued (bounded: 30 s).
            var (last, stableSince, give) = (-1, DateTime.UtcNow, DateTime.UtcNow.AddSeconds(30));
            while (true)
            {
                Thread.Sleep(50);
                var held = Volatile.Read(ref _held);
                if (held != last) (last, stableSince) = (held, DateTime.UtcNow);
                if (held > 0 && ThreadPool.PendingWorkItemCount > 0 && DateTime.UtcNow - stableSince > TimeSpan.FromMilliseconds(500)) break;
                Assert.True(DateTime.UtcNow < give, $"the pool was not held within 30 s ({held} blocked, {ThreadPool.PendingWorkItemCount} queued, {ThreadPool.ThreadCount} threads)");
            }
            _saturated = true;
            var freed = Math.Min(free, last);
            _expected = last - freed;
            if (freed == 0) return;
            _release.Release(freed);
            // The freed threads pick up the queued items, which return at once.
            var settle = DateTime.UtcNow.AddSeconds(30);
            while ((Volatile.Read(ref _held) != _expected || ThreadPool.PendingWorkItemCount > 0) && DateTime.UtcNow < settle) Thread.Sleep(10);
        }

        public static BlockedPool BlockAll() => new(0);

        public static BlockedPool BlockAllBut(int free) => new(free);

        public bool StillBlocked => Volatile.Read(ref _held) == _expected;

        public void Dispose()
        {
            _saturated = true;
            _release.Release(Volatile.Read(ref _held) + 16);
            ThreadPool.SetMaxThreads(_maxWorkers, _maxIo);
            ThreadPool.SetMinThreads(_minWorkers, _minIo);
        }
    }

    /// <summary>Runs an async test body on the current thread, its continuations posted back to this thread only.</summary>
    private sealed class SingleThreadContext : SynchronizationContext
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();

        public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();

        public static void Run(Func<Task> body)
        {
            var previous = Current;
            var context = new SingleThreadContext();
            SetSynchronizationContext(context);
            try
            {
                var task = body();
                task.ContinueWith(_ => context._queue.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                foreach (var (callback, state) in context._queue.GetConsumingEnumerable()) callback(state);
                task.GetAwaiter().GetResult();
            }
            finally
            {
                SetSynchronizationContext(previous);
            }
        }
    }
}
