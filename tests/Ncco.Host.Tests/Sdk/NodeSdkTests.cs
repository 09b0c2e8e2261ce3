using Ncco.Host.Tests.Support;
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
        var port = LoopbackHost.FreePort();
        var api = $"http://api.nexmo.com:{port}";
        var data = Directory.CreateTempSubdirectory("ncco-sdk-").FullName;
        await using var app = await LoopbackHost.StartAsync(port, data, "sdkkey01", "sdk-secret-0001",
            $"--Ncco:PublicUrl={api}", "--Ncco:Calls:RateLimitPerSecond=0");

        var steps = await NodeScript.RunAsync(SdkDirectory, ["--require", "./loopback-dns.cjs", "sdk-flow.mjs"], new Dictionary<string, string>
        {
            ["NCCO_API"] = api,
            ["NCCO_API_KEY"] = "sdkkey01",
            ["NCCO_API_SECRET"] = "sdk-secret-0001",
            ["NCCO_WS_URI"] = $"ws://127.0.0.1:{port}/demo/bot",
            ["NCCO_OUT"] = data,
        }, TimeSpan.FromSeconds(120));
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
}
