using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Applications;
using Ncco.Host.Legs.Sip;
using Ncco.Host.Tests.Support;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sdk;

/// <summary>
/// Issue 17, numbers as data: the official Vonage Node SDK's Numbers client (<c>@vonage/numbers</c>, unmodified) lists
/// the numbers the configuration seeded, adds ("buys") one, links it to an application and cancels it, and each change
/// decides the very next SIP call (SIPp): answered by the application with <c>to</c> the number, then 404 once cancelled.
/// </summary>
public sealed class NodeSdkNumbersTests
{
    private const string Seeded = "447700900000";
    private const string Added = "447700900123";
    private const string Key = "numkey01";
    private const string Secret = "num-secret-0001";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static string SdkDirectory => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../sdk-node"));

    [Fact]
    public async Task The_official_node_sdk_adds_links_and_cancels_a_number_and_the_next_call_follows()
    {
        Assert.True(Directory.Exists(Path.Combine(SdkDirectory, "node_modules", "@vonage", "server-sdk")),
            "Run .ci/deps/sdk-node.sh (scripts/test.sh does) to install the SDK.");
        await using var hooks = await WebhookAppServer.StartAsync();
        hooks.Ncco("/answer", """[{"action":"talk","text":"Hello number, this sentence keeps the call up while the caller listens.","loop":3}]""");
        var applicationId = Guid.NewGuid().ToString();
        var port = LoopbackHost.FreePort();
        var api = $"http://api.nexmo.com:{port}";
        var data = Directory.CreateTempSubdirectory("ncco-numbers-").FullName;
        var rtpFirst = 20000 + (Random.Shared.Next(0, 400) * 50);
        await using var app = await LoopbackHost.StartAsync(port, data, Key, Secret, "--Ncco:Calls:RateLimitPerSecond=0", "--Ncco:Demo:Enabled=false",
            "--Ncco:Sip:Enabled=true", "--Ncco:Sip:Listen=127.0.0.1:0", $"--Ncco:Sip:RtpPortFirst={rtpFirst}", $"--Ncco:Sip:RtpPortLast={rtpFirst + 49}",
            $"--Ncco:Sip:Routes:{Seeded}={applicationId}");
        await app.Services.GetRequiredService<IApplicationRepository>().AddAsync(new Application(applicationId, "numbers app", KeyPair.Generate().PublicKeyPem)
        {
            Voice = new VoiceCapability { AnswerUrl = new Webhook(hooks.Url("answer"), "GET"), EventUrl = new Webhook(hooks.Url("events"), "POST") },
        }, CancellationToken.None);
        var sip = app.Services.GetRequiredService<SipGateway>().LocalEndPoint!;
        var target = $"127.0.0.1:{sip.Port.ToString(CultureInfo.InvariantCulture)}";

        // Not one of the numbers yet: refused.
        await ExpectAsync("uac-expect-404.xml", Added, target);

        var added = await RunAsync(api, applicationId, "add");
        Assert.Equal(["list the seeded numbers", "buy a number", "buying it again is refused", "link it to an unknown application is refused",
            "link it to the application", "list the application numbers ending with its last digits"], added.SkipLast(1).Select(s => s.GetProperty("step").GetString()));
        var again = added.SkipLast(1).Single(s => s.GetProperty("step").GetString() == "buying it again is refused");
        Assert.Equal(420, again.GetProperty("status").GetInt32());
        Assert.Contains(Added, again.GetProperty("body").GetProperty("error-code-label").GetString(), StringComparison.Ordinal);
        var unknown = added.SkipLast(1).Single(s => s.GetProperty("step").GetString() == "link it to an unknown application is refused");
        Assert.StartsWith("app_id:", unknown.GetProperty("body").GetProperty("error-code-label").GetString(), StringComparison.Ordinal);

        // Linked: the very next call to it is the application's, reported with the number dialled.
        var call = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-headers-answer-bye.xml"), "-s", "+" + Added, target], Limit);
        var answer = await Sipp.Before(hooks.WaitForAsync(w => w.Path == "/answer", Limit), call, Limit);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Query);
        Assert.Equal(Added, query["to"].ToString());
        var result = await call;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");

        var cancelled = await RunAsync(api, applicationId, "cancel");
        Assert.Equal(["cancel the number", "it is no longer listed"], cancelled.SkipLast(1).Select(s => s.GetProperty("step").GetString()));
        await ExpectAsync("uac-expect-404.xml", Added, target);
    }

    [Fact]
    public async Task Bad_numbers_requests_get_420_naming_the_parameter_and_no_credentials_get_401()
    {
        var port = LoopbackHost.FreePort();
        var data = Directory.CreateTempSubdirectory("ncco-numbers-").FullName;
        await using var app = await LoopbackHost.StartAsync(port, data, Key, Secret);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using (var anonymous = await http.GetAsync("/account/numbers"))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{Key}:{Secret}")));
        (string Path, string Form, string Label)[] cases =
        [
            ("/number/buy", "country=G1&msisdn=447700900123", "country: 'G1'"),
            ("/number/buy", "country=GB", "msisdn: is required"),
            ("/number/buy", "country=GB&msisdn=44770090012x", "msisdn: the number may hold only digits"),
            ("/number/buy", "country=GB&msisdn=4477009001234567", "msisdn: an E.164 number has 1 to 15 digits"),
            ("/number/buy", "country=GB&msisdn=447700900123&target_api_key=other", "target_api_key:"),
            ("/number/cancel", "country=GB&msisdn=447700900999", "msisdn: 447700900999 is not one of the account's numbers"),
            ("/number/update", "country=GB&msisdn=447700900999&voiceCallbackType=tel&voiceCallbackValue=1", "voiceCallbackType: 'tel'"),
            ("/number/buy", "country=GB&msisdn=" + new string('4', 5000), "body:"),
        ];
        foreach (var (path, form, label) in cases)
        {
            using var response = await http.PostAsync(path, new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == 420, $"{path} {form[..Math.Min(form.Length, 60)]}: {(int)response.StatusCode} {body}");
            var json = System.Text.Json.JsonDocument.Parse(body).RootElement;
            Assert.Equal("420", json.GetProperty("error-code").GetString());
            Assert.Contains(label, json.GetProperty("error-code-label").GetString(), StringComparison.Ordinal);
        }
        using (var json = await http.PostAsync("/number/buy", new StringContent("{\"country\":\"GB\"}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(420, (int)json.StatusCode);
            Assert.Contains("Content-Type", await json.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        foreach (var query in new[] { "size=0", "size=101", "index=x", "search_pattern=3", "country=GBR", "has_application=maybe", "pattern=12a" })
        {
            using var response = await http.GetAsync("/account/numbers?" + query);
            Assert.True((int)response.StatusCode == 420, $"{query}: {(int)response.StatusCode}");
            Assert.Contains(query.Split('=')[0] + ":", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var empty = await http.GetAsync("/account/numbers");
        Assert.Equal("""{"count":0,"numbers":[]}""", await empty.Content.ReadAsStringAsync());
    }

    private static async Task<IReadOnlyList<System.Text.Json.JsonElement>> RunAsync(string api, string applicationId, string mode)
    {
        var steps = await NodeScript.RunAsync(SdkDirectory, ["--require", "./loopback-dns.cjs", "numbers-flow.mjs"], new Dictionary<string, string>
        {
            ["NCCO_API"] = api,
            ["NCCO_API_KEY"] = Key,
            ["NCCO_API_SECRET"] = Secret,
            ["NCCO_APP_ID"] = applicationId,
            ["NCCO_SEEDED"] = Seeded,
            ["NCCO_NUMBER"] = Added,
            ["NCCO_MODE"] = mode,
        }, TimeSpan.FromSeconds(60));
        Assert.True(steps[^1].GetProperty("done").GetBoolean());
        return steps;
    }

    private static async Task ExpectAsync(string scenario, string number, string target)
    {
        var result = await Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/" + scenario), "-s", number, target], Limit);
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
    }
}
