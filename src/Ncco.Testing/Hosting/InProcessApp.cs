using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ncco.Webhooks;

namespace Ncco.Testing.Hosting;

/// <summary>
/// Boots an ASP.NET app from its <c>Program</c> entry point on an in-memory <see cref="TestServer"/>, the way
/// <c>WebApplicationFactory</c> does: it listens for the app's host being built (the <c>Microsoft.Extensions.Hosting</c>
/// diagnostic source), swaps the server for a test server and the lifetime for a no-op one, lets <c>Main</c> run
/// (<c>app.Run()</c> then starts the host on the test server and waits), and stops the host on dispose.
/// </summary>
public sealed class InProcessApp : IAsyncDisposable
{
    private static readonly SemaphoreSlim BootLock = new(1, 1);
    private readonly IHost _host;
    private readonly Task _entryPoint;
    private int _simulators;

    private readonly InProcessPipeline _pipeline;

    private InProcessApp(IHost host, TestServer server, InProcessPipeline pipeline, Task entryPoint)
    {
        _host = host;
        Server = server;
        _pipeline = pipeline;
        _entryPoint = entryPoint;
    }

    /// <summary>The in-memory server.</summary>
    public TestServer Server { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Numbers the simulators started on this app (0, 1, …): their default id seed.</summary>
    internal int NextSimulator() => Interlocked.Increment(ref _simulators) - 1;

    /// <summary>An HTTP client whose requests go straight into the app.</summary>
    public HttpClient CreateClient() => Server.CreateClient();

    /// <summary>
    /// Delivers webhooks straight into the app's request pipeline, as the simulator does: no HTTP client, no test-server
    /// handler chain, no thread hand-off, so an app that answers without waiting answers on the caller's thread. The app
    /// sees the same request as through <see cref="CreateClient"/> (method, host, path, query, headers, JSON body); the
    /// caller gets the status and body, bounded like <see cref="HttpWebhookTransport"/>'s, and the app's unhandled
    /// exceptions thrown as the test server's client throws them.
    /// </summary>
    /// <param name="maxResponseBytes">Largest response body kept (default 1 MiB); a larger one is answered as <see cref="WebhookFailure.TooLarge"/>.</param>
    public IWebhookTransport CreateWebhookTransport(long maxResponseBytes = HttpWebhookTransport.DefaultMaxResponseBytes) =>
        new PipelineTransport(_pipeline, maxResponseBytes > 0 ? maxResponseBytes
            : throw new ArgumentOutOfRangeException(nameof(maxResponseBytes), maxResponseBytes, "must be a positive number of bytes"));

    /// <summary>Starts the app whose entry point is in <typeparamref name="TProgram"/>'s assembly.</summary>
    public static Task<InProcessApp> StartAsync<TProgram>(string environment = "Development", Action<IServiceCollection>? configureServices = null)
        where TProgram : class => StartAsync<TProgram>(environment, configureServices, settings: null);

    /// <summary>Starts the app with configuration <paramref name="settings"/> added over its own (the simulator's Voice API URL).</summary>
    internal static async Task<InProcessApp> StartAsync<TProgram>(string environment, Action<IServiceCollection>? configureServices,
        IReadOnlyDictionary<string, string?>? settings)
        where TProgram : class
    {
        var entryPoint = typeof(TProgram).Assembly.EntryPoint
            ?? throw new InvalidOperationException($"{typeof(TProgram).Assembly.GetName().Name} has no entry point; pass the app's Program class.");
        await BootLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var (host, exited) = await BuildHostAsync(entryPoint, environment, configureServices, settings).ConfigureAwait(false);
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                var first = await Task.WhenAny(started.Task, exited, Task.Delay(TimeSpan.FromSeconds(60))).ConfigureAwait(false);
                if (first == exited) await exited.ConfigureAwait(false);
                if (first != started.Task)
                {
                    if (exited.IsCompleted) throw new InvalidOperationException("The app's entry point returned before the host started.");
                    throw new TimeoutException("The app did not start within 60 s.");
                }
            }
            var pipeline = (host.Services.GetRequiredService<IServer>() as PipelineServer)?.Pipeline
                ?? throw new InvalidOperationException("The app's server was not replaced by a test server.");
            return new InProcessApp(host, host.Services.GetRequiredService<TestServer>(), pipeline, exited);
        }
        finally
        {
            BootLock.Release();
        }
    }

    private static async Task<(IHost Host, Task Exited)> BuildHostAsync(MethodInfo entryPoint, string environment, Action<IServiceCollection>? configureServices,
        IReadOnlyDictionary<string, string?>? settings)
    {
        var hostTcs = new TaskCompletionSource<IHost>(TaskCreationOptions.RunContinuationsAsynchronously);
        var exitedTcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var listener = new HostingListener(Environment.CurrentManagedThreadId, hostTcs, configureServices, settings);
            using var subscription = DiagnosticListener.AllListeners.Subscribe(listener);
            try
            {
                // The application name must be the app's assembly, as WebApplicationFactory sets it: from the test
                // runner's entry point it would be the test assembly, and MVC would find no controllers (404s).
                var args = new[] { "--environment=" + environment, "--applicationName=" + entryPoint.DeclaringType!.Assembly.GetName().Name };
                var parameters = entryPoint.GetParameters();
                var result = entryPoint.Invoke(null, parameters.Length == 0 ? [] : [args]);
                if (result is Task t) t.GetAwaiter().GetResult();
                hostTcs.TrySetException(new InvalidOperationException("The app's entry point returned without building a host."));
                exitedTcs.TrySetResult();
            }
            catch (Exception e)
            {
                hostTcs.TrySetException(Unwrap(e));
                exitedTcs.TrySetException(Unwrap(e));
            }
        })
        {
            IsBackground = true,
            Name = "ncco-app-entrypoint",
        };
        thread.Start();
        var host = await hostTcs.Task.ConfigureAwait(false);
        return (host, exitedTcs.Task);
    }

    private static Exception Unwrap(Exception e) => e is TargetInvocationException { InnerException: { } inner } ? Unwrap(inner) : e is AggregateException { InnerException: { } a } ? Unwrap(a) : e;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        // app.Run() returns once stopped and disposes the host itself.
        await Task.WhenAny(_entryPoint, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false);
    }

    private sealed class HostingListener(int threadId, TaskCompletionSource<IHost> hostTcs, Action<IServiceCollection>? configureServices,
        IReadOnlyDictionary<string, string?>? settings)
        : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == "Microsoft.Extensions.Hosting") value.Subscribe(this);
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (Environment.CurrentManagedThreadId != threadId || hostTcs.Task.IsCompleted) return;
            if (value.Key == "HostBuilding" && value.Value is IHostBuilder builder)
            {
                if (settings is not null) builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
                builder.ConfigureServices(services =>
                {
                    services.AddSingleton(sp => new TestServer(sp));
                    services.AddSingleton<IServer>(sp => new PipelineServer(sp.GetRequiredService<TestServer>()));
                    services.AddSingleton<IHostLifetime, NoopLifetime>();
                    // Request logging of every webhook would drown test output; warnings and errors still show.
                    services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
                    configureServices?.Invoke(services);
                });
            }
            else if (value.Key == "HostBuilt" && value.Value is IHost host)
            {
                hostTcs.TrySetResult(host);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }

    private sealed class PipelineTransport(InProcessPipeline pipeline, long maxResponseBytes) : IWebhookTransport
    {
        public Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken) =>
            pipeline.SendAsync(request, maxResponseBytes, cancellationToken);
    }

    private sealed class NoopLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
