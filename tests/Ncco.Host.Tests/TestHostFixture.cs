using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ncco.Host.Tests;

/// <summary>The real host pipeline on a test server, with its own data directory and a settable clock.</summary>
public sealed class TestHostFixture : IAsyncDisposable
{
    public const string ApiKey = "abcd1234";
    public const string ApiSecret = "s3cr3t-s3cr3t";

    private readonly WebApplication _app;

    private TestHostFixture(WebApplication app, string dataDirectory, ManualTime time)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Time = time;
        Client = app.GetTestClient();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(ApiKey + ":" + ApiSecret)));
    }

    public HttpClient Client { get; }

    public string DataDirectory { get; }

    public ManualTime Time { get; }

    public IServiceProvider Services => _app.Services;

    public TestServer Server => _app.GetTestServer();

    /// <param name="configure">Runs after <c>AddNccoHost</c> (more services, fakes).</param>
    /// <param name="configureApp">Runs after <c>UseNccoHostAsync</c>, before the host starts (more endpoints).</param>
    /// <param name="configureFirst">Runs before <c>AddNccoHost</c> (registrations whose order is under test).</param>
    /// <param name="extraArgs">More command-line configuration (<c>--Ncco:Demo:Enabled=false</c>…).</param>
    public static async Task<TestHostFixture> StartAsync(string? dataDirectory = null, bool configureCredentials = true, Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? configureApp = null, Action<WebApplicationBuilder>? configureFirst = null, params string[] extraArgs)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("ncco-host-").FullName;
        // Calls still up when a test ends are hung up at once rather than drained for 30 s (tests that drain say so).
        var args = new List<string> { $"--Ncco:DataDirectory={dataDirectory}", "--Ncco:Shutdown:DrainTimeout=00:00:00" };
        // The SIP gateway would bind 5060; tests that need it enable it on a free port (extraArgs come later and win).
        args.Add("--Ncco:Sip:Enabled=false");
        if (configureCredentials) args.AddRange([$"--Ncco:Account:ApiKey={ApiKey}", $"--Ncco:Account:ApiSecret={ApiSecret}"]);
        args.AddRange(extraArgs);
        var builder = WebApplication.CreateBuilder(args.ToArray());
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        configureFirst?.Invoke(builder);
        builder.AddNccoHost();
        var time = new ManualTime(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        builder.Services.AddSingleton<TimeProvider>(time);
        configure?.Invoke(builder);
        var app = builder.Build();
        await app.UseNccoHostAsync();
        configureApp?.Invoke(app);
        await app.StartAsync();
        return new TestHostFixture(app, dataDirectory, time);
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A clock the test sets.</summary>
// Kept over FakeTimeProvider: only the wall clock is moved by hand; timers and timestamps stay real, because the running host's media thread, SIP timers and delays must keep ticking.
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
