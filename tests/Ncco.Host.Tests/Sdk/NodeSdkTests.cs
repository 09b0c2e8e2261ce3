using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Ncco.Media.SoundFile;

namespace Ncco.Host.Tests.Sdk;

/// <summary>
/// The official Vonage Node SDK (<c>@vonage/server-sdk</c> from npm, unmodified) against the host on real loopback
/// HTTP: applications, calls with inline NCCO and answer_url, list/search with pagination, get, talk/stream/dtmf,
/// transfer, hangup and a recording download. The flow is <c>tests/sdk-node/sdk-flow.mjs</c>; its only test aid is a
/// DNS preload that resolves <c>api.nexmo.com</c> to loopback, because the SDK downloads files only from Vonage domains.
/// </summary>
public sealed class NodeSdkTests
{
    private static string SdkDirectory => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../sdk-node"));

    [Fact]
    public async Task The_official_node_sdk_drives_a_whole_session()
    {
        Assert.True(Directory.Exists(Path.Combine(SdkDirectory, "node_modules", "@vonage", "server-sdk")),
            "Run .ci/deps/sdk-node.sh (scripts/test.sh does) to install the SDK.");
        var port = FreePort();
        var api = $"http://api.nexmo.com:{port}";
        var data = Directory.CreateTempSubdirectory("ncco-sdk-").FullName;
        var builder = WebApplication.CreateBuilder([
            $"--urls=http://127.0.0.1:{port}",
            $"--Ncco:DataDirectory={data}",
            $"--Ncco:PublicUrl={api}",
            "--Ncco:Account:ApiKey=sdkkey01",
            "--Ncco:Account:ApiSecret=sdk-secret-0001",
            "--Ncco:Calls:RateLimitPerSecond=0",
            "--Ncco:Shutdown:DrainTimeout=00:00:00",
            "--Ncco:Sip:Enabled=false", // SIP would bind 5060
        ]);
        builder.Logging.ClearProviders();
        builder.AddNccoHost();
        await using var app = builder.Build();
        await app.UseNccoHostAsync();
        await app.StartAsync();

        var start = new ProcessStartInfo("node", ["--require", "./loopback-dns.cjs", "sdk-flow.mjs"])
        {
            WorkingDirectory = SdkDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["NCCO_API"] = api;
        start.Environment["NCCO_API_KEY"] = "sdkkey01";
        start.Environment["NCCO_API_SECRET"] = "sdk-secret-0001";
        start.Environment["NCCO_WS_URI"] = $"ws://127.0.0.1:{port}/demo/bot";
        start.Environment["NCCO_OUT"] = data;
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await node.WaitForExitAsync(deadline.Token);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(node.ExitCode == 0, $"SDK flow failed:\n{string.Join('\n', lines)}\n{await stderr}");

        var steps = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(steps[^1].GetProperty("done").GetBoolean());
        var expected = new[]
        {
            "create application", "create call with answer_url", "create call with inline ncco", "get call",
            "talk, stream and dtmf into the call", "transfer with ncco and with url", "hang up",
            "list and search calls with pagination", "download the recording",
        };
        Assert.Equal(expected, steps.SkipLast(1).Select(s => s.GetProperty("step").GetString()));
        var talk = steps.SkipLast(1).Single(s => s.GetProperty("step").GetString() == "talk, stream and dtmf into the call");
        Assert.Equal("Talk started", talk.GetProperty("talk").GetString());

        var download = steps.SkipLast(1).Single(s => s.GetProperty("step").GetString() == "download the recording");
        using var recording = SoundFileReader.Open(download.GetProperty("file").GetString()!);
        Assert.True(recording.Frames > 0);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
