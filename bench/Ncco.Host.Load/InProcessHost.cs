using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Ncco.Host.Demo;
using Ncco.Host.Operations;

namespace Ncco.Host.Load;

/// <summary>
/// The host as <c>ncco serve</c> runs it, on Kestrel at a free loopback port, with a throw-away data directory and
/// limits raised so the bench measures the server rather than its rate limiter.
/// </summary>
internal sealed class InProcessHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessHost(WebApplication app, Uri baseUrl, string apiKey, string apiSecret, string dataDirectory)
    {
        _app = app;
        BaseUrl = baseUrl;
        ApiKey = apiKey;
        ApiSecret = apiSecret;
        DataDirectory = dataDirectory;
    }

    public Uri BaseUrl { get; }

    public string ApiKey { get; }

    public string ApiSecret { get; }

    public string DataDirectory { get; }

    public static async Task<InProcessHost> StartAsync(IEnumerable<string> extraArgs, CancellationToken cancellationToken)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("ncco-load-").FullName;
        var apiKey = "bench";
        var apiSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--Ncco:DataDirectory={dataDirectory}",
            $"--Ncco:Account:ApiKey={apiKey}",
            $"--Ncco:Account:ApiSecret={apiSecret}",
            "--Ncco:Calls:RateLimitPerSecond=100000",
            "--Ncco:Shutdown:DrainTimeout=00:00:05",
            "--Logging:LogLevel:Default=Warning",
            // As ncco serve runs: no per-request hosting activity and log scope (see RESULTS.md, issue 19).
            "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=None",
            .. extraArgs,
        ];
        var builder = WebApplication.CreateBuilder(args);
        builder.AddNccoHost();
        var app = builder.Build();
        await app.UseNccoHostAsync();
        await app.StartAsync(cancellationToken);
        var address = app.Urls.First(u => u.StartsWith("http://", StringComparison.Ordinal));
        return new InProcessHost(app, new Uri(address.TrimEnd('/') + "/"), apiKey, apiSecret, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open (SQLite WAL) leaves a temp folder behind; not worth failing the run for.
        }
    }
}
