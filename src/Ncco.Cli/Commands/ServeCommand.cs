using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Ncco.Host;
using Ncco.Host.Postgres;
using Ncco.Host.Auth;
using Ncco.Host.Configuration;
using Ncco.Host.Dashboard;
using Ncco.Host.Demo;
using Ncco.Host.Legs.Sip;
using Ncco.Host.Operations;

namespace Ncco.Cli.Commands;

/// <summary>
/// <c>ncco serve [--urls …] [--data-directory …] [--no-demo] [--Section:Key=value …]</c>: runs the self-hosted voice
/// runtime (the Ncco.Host library, exactly as an app embedding it does) in this process, and prints where it listens,
/// the credentials' whereabouts and copy-paste commands for a first call. Every token it does not know is passed
/// to the host as configuration (<c>--Ncco:Shutdown:DrainTimeout=00:01:00</c>, <c>--Logging:Console:FormatterName=json</c>).
/// Ctrl+C (SIGINT) or SIGTERM stops it gracefully: new calls are refused and live ones drain.
/// </summary>
public static class ServeCommand
{
    /// <summary>Where <c>ncco serve</c> listens unless told otherwise.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var urls = new Option<string?>("--urls") { Description = $"Where to listen, ';'-separated (default {DefaultUrls}; port 0 picks a free port)." };
        var dataDirectory = new Option<string?>("--data-directory", "-d") { Description = "Database, credentials and the demo key (default ./ncco-data)." };
        var noDemo = new Option<bool>("--no-demo") { Description = "Neither provision nor serve the demo application." };
        var command = new Command("serve", "Run the Ncco voice host: Voice REST API, applications, webhooks, WebSocket legs, demo. " +
            "Other --Section:Key=value arguments set host configuration (see docs/host-configuration.md).")
        {
            urls, dataDirectory, noDemo,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) =>
        {
            var args = new List<string>(parse.UnmatchedTokens);
            if (parse.GetValue(urls) is { } u) args.Add("--urls=" + u);
            if (parse.GetValue(dataDirectory) is { } d) args.Add("--Ncco:DataDirectory=" + d);
            if (parse.GetValue(noDemo)) args.Add("--Ncco:Demo:Enabled=false");
            return RunAsync([.. args], console, cancellationToken);
        });
        return command;
    }

    /// <summary>Runs the host with <paramref name="hostArgs"/> until it is stopped (or <paramref name="cancellationToken"/> fires).</summary>
    public static async Task<int> RunAsync(string[] hostArgs, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        var builder = WebApplication.CreateBuilder(hostArgs);
        // ncco serve's defaults (the host is a library and has none of its own for these), below every other source:
        // appsettings.json in the current directory, environment variables and the command line still win.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Urls"] = DefaultUrls,
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                // Off, not Warning: while this logger is enabled at any level ASP.NET Core gives every request an activity
                // and a log scope (≈ 800 B of the ≈ 1,400 a GET /v1/calls/{uuid} allocated) though it logs nothing below
                // Information. x-nexmo-trace-id and the call's trace link work without them (RequestTraceId).
                ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",
            },
        });
        WebApplication? app = null;
        try
        {
            builder.AddNccoHost();
            // Ncco:Store:Provider=Postgres (cluster mode); with the default SQLite store this only adds the Ncco:Cluster settings.
            builder.AddNccoPostgres();
            app = builder.Build();
            await app.UseNccoHostAsync();
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (ConfigurationFailures(e) is { Count: > 0 } failures)
        {
            // Configuration is input: each problem on its own line, naming the key, no stack trace.
            foreach (var failure in failures) console.Error.WriteLine($"{NccoCommandLine.Name} serve: {failure}");
            if (app is not null) await app.DisposeAsync();
            return ExitCodes.InvalidInput;
        }
        catch
        {
            if (app is not null) await app.DisposeAsync();
            throw;
        }

        await using (app)
        {
            WriteBanner(app, console.Out);
            await app.WaitForShutdownAsync(cancellationToken);
        }
        return ExitCodes.Success;
    }

    // The failures of an options validation (several options types failing at start come as an AggregateException).
    private static List<string> ConfigurationFailures(Exception e) => e switch
    {
        OptionsValidationException validation => [.. validation.Failures.Distinct(StringComparer.Ordinal)],
        AggregateException aggregate when aggregate.InnerExceptions.All(x => x is OptionsValidationException) =>
            [.. aggregate.InnerExceptions.SelectMany(x => ((OptionsValidationException)x).Failures).Distinct(StringComparer.Ordinal)],
        _ => [],
    };

    private static void WriteBanner(WebApplication app, TextWriter output)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var demo = app.Services.GetService<DemoProvisioner>()?.Application;
        var baseUrl = demo?.PublicUrl.ToString().TrimEnd('/') ?? addresses.FirstOrDefault() ?? DefaultUrls;
        var dataDirectory = Path.GetFullPath(app.Services.GetRequiredService<IOptions<NccoHostOptions>>().Value.DataDirectory);
        var account = app.Services.GetRequiredService<AccountCredentials>();

        output.WriteLine();
        output.WriteLine($"Ncco voice host listening on {string.Join(", ", addresses)}");
        output.WriteLine($"  Voice API   {baseUrl}/v1/calls            (Authorization: Bearer <application JWT>)");
        output.WriteLine($"  Apps API    {baseUrl}/v2/applications     (Basic auth: API key {account.ApiKey}, secret in {Path.Combine(dataDirectory, "account.json")})");
        output.WriteLine($"  OpenAPI     {baseUrl}/openapi/v1.json");
        output.WriteLine($"  Metrics     {baseUrl}/metrics             Health: {baseUrl}/health/ready");
        output.WriteLine($"  Data        {dataDirectory}");
        if (app.Services.GetService<SipGateway>()?.LocalEndPoint is { } sip)
        {
            var sipOptions = app.Services.GetRequiredService<IOptions<SipOptions>>().Value;
            var host = sipOptions.AdvertisedAddress ?? (sip.Address.Equals(System.Net.IPAddress.Any) ? "127.0.0.1" : sip.Address.ToString());
            var port = sip.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            output.WriteLine(demo is not null
                ? $"  SIP         sip:{sipOptions.DemoUser}@{host}:{port} (UDP and TCP; answered by the demo app)"
                : $"  SIP         {host}:{port} (UDP and TCP; routes in Ncco:Sip:Routes)");
        }
        if (demo is not null)
        {
            output.WriteLine($"  Demo app    {demo.ApplicationId} (private key {demo.PrivateKeyPath})");
            output.WriteLine();
            output.WriteLine("Place a first call to the demo echo bot:");
            output.WriteLine($"  TOKEN=$({TokenCommandLine()} token --application {demo.ApplicationId} --key {demo.PrivateKeyPath})");
            output.WriteLine($"  curl -X POST {baseUrl}/v1/calls -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\");
            output.WriteLine($"    -d '{{\"to\":[{{\"type\":\"websocket\",\"uri\":\"{demo.BotUrl}\",\"content-type\":\"{DemoNccos.BotContentType}\"}}],\"from\":{{\"type\":\"phone\",\"number\":\"447700900000\"}},\"ncco\":[{{\"action\":\"talk\",\"text\":\"Hello from Ncco\"}}]}}'");
        }
        output.WriteLine();
        output.WriteLine("Ctrl+C stops the host; calls in progress get Ncco:Shutdown:DrainTimeout to end.");
        var dashboard = app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value;
        if (dashboard.Enabled)
        {
            // Last on purpose: the one thing a newcomer needs next is the URL to open.
            var local = Uri.TryCreate(baseUrl, UriKind.Absolute, out var u) && u.IsLoopback;
            output.WriteLine();
            output.WriteLine(local || dashboard.AllowRemote
                ? $"Open the dashboard and sign in with API key {account.ApiKey} and its secret; the first screen says what to click:"
                : $"Open the dashboard on this machine (it answers on loopback only unless Ncco:Dashboard:AllowRemote=true); API key {account.ApiKey}:");
            output.WriteLine($"  {(local || dashboard.AllowRemote ? baseUrl : LoopbackUrl(addresses))}/dashboard");
        }
        output.Flush();
    }

    // The first listen address (a wildcard, a public address) as this machine reaches it: loopback, same scheme and port.
    private static string LoopbackUrl(ICollection<string> addresses)
    {
        var first = (addresses.FirstOrDefault() ?? DefaultUrls).TrimEnd('/');
        var scheme = first.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
        return $"{scheme}://127.0.0.1:{first[(first.LastIndexOf(':') + 1)..]}";
    }

    // Installed as a tool the command is `ncco`; from a clone it runs through `dotnet run`.
    private static string TokenCommandLine() =>
        string.Equals(Path.GetFileNameWithoutExtension(Environment.ProcessPath), "ncco", StringComparison.OrdinalIgnoreCase)
            ? "ncco"
            : "dotnet run --project src/Ncco.Cli --";
}
