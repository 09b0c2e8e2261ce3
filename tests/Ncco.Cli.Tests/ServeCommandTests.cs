using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ncco.Cli;
using Ncco.Cli.Commands;

namespace Ncco.Cli.Tests;

public sealed partial class ServeCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ncco-serve-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Help_lists_the_options()
    {
        var (exit, output, _) = TokenCommandTests.Run("serve", "--help");

        Assert.Equal(0, exit);
        Assert.Contains("--urls", output);
        Assert.Contains("--data-directory", output);
        Assert.Contains("--no-demo", output);
    }

    [Fact]
    public async Task Serve_runs_the_host_prints_a_working_banner_and_stops_on_request()
    {
        var text = new StringWriter();
        var output = TextWriter.Synchronized(text);
        string Output()
        {
            // The synchronized writer locks on itself; reading under the same lock sees whole writes.
            lock (output) return text.ToString();
        }
        var console = new CliConsole(new StringReader(string.Empty), output, output);
        using var stop = new CancellationTokenSource();
        var parse = NccoCommandLine.Create(console).Parse(
            ["serve", "--urls", "http://127.0.0.1:0", "--data-directory", _directory, "--Logging:LogLevel:Default=Warning", "--Ncco:Shutdown:DrainTimeout=00:00:01", "--Ncco:Sip:Listen=127.0.0.1:0"]);
        var serving = parse.InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = output, ProcessTerminationTimeout = null }, stop.Token);

        var baseUrl = await WaitForBannerAsync(Output, serving);
        using var http = new HttpClient();
        using (var ready = await http.GetAsync(new Uri(baseUrl + "/health/ready")))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        var banner = Output();
        var token = TokenCommandTests.Run("token", "--application", "d3e40000-0000-4000-8000-000000000001", "--key", Path.Combine(_directory, "demo-application.key")).Output;
        Assert.Contains($"--key {Path.Combine(_directory, "demo-application.key")}", banner);
        Assert.Contains($"\"uri\":\"ws://127.0.0.1:{new Uri(baseUrl).Port}/demo/bot\"", banner);
        Assert.Matches(@"SIP +sip:demo@127\.0\.0\.1:[1-9][0-9]* \(UDP and TCP; answered by the demo app\)", banner);
        Assert.Equal(3, token.Trim().Split('.').Length);
        // The banner's curl body authenticates with a minted token and passes the Voice API's validation.
        using (var create = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl + "/v1/calls")))
        {
            create.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Trim());
            var body = CurlBodyPattern().Match(banner);
            Assert.True(body.Success, banner);
            create.Content = new StringContent(body.Groups[1].Value, System.Text.Encoding.UTF8, "application/json");
            using var created = await http.SendAsync(create);
            var reply = await created.Content.ReadAsStringAsync();
            Assert.NotEqual(HttpStatusCode.Unauthorized, created.StatusCode);
            Assert.DoesNotContain("invalid_parameters", reply);
        }
        // The banner ends with the dashboard's URL, and that page is there.
        Assert.EndsWith($"  {baseUrl}/dashboard", banner.TrimEnd());
        using (var dashboard = await http.GetAsync(new Uri(baseUrl + "/dashboard")))
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            Assert.Contains("<title>Dashboard — Ncco</title>", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var answer = await http.GetAsync(new Uri(baseUrl + "/demo/answer")))
        {
            using var ncco = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            Assert.Equal("talk", ncco.RootElement[0].GetProperty("action").GetString());
        }

        await stop.CancelAsync();
        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Theory]
    [InlineData("--Ncco:Shutdown:DrainTimeout=banana", "ncco serve: Ncco:Shutdown:DrainTimeout 'banana' is not valid: it must be a duration")]
    [InlineData("--Ncco:Calls:RateLimitPerSecond=-1", "ncco serve: Ncco:Calls:RateLimitPerSecond is -1: it must be a number of calls per second, or 0 for no limit")]
    [InlineData("--Ncco:Shutdown:DrainTimout=00:00:01", "ncco serve: Ncco:Shutdown:DrainTimout is not a setting of this version of Ncco; did you mean Ncco:Shutdown:DrainTimeout?")]
    public void A_bad_setting_exits_with_invalid_input_and_one_line_naming_the_key(string setting, string line)
    {
        var (exit, output, error) = TokenCommandTests.Run("serve", "--urls", "http://127.0.0.1:0", "--data-directory", _directory,
            "--Logging:LogLevel:Default=None", "--Ncco:Sip:Enabled=false", setting);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        var lines = error.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.StartsWith(line, Assert.Single(lines), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
    }

    private static async Task<string> WaitForBannerAsync(Func<string> output, Task serving)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            var text = output();
            if (serving.IsCompleted) Assert.Fail("serve ended early: " + text);
            var match = ListeningPattern().Match(text);
            if (match.Success && text.TrimEnd().EndsWith("/dashboard", StringComparison.Ordinal)) return match.Groups[1].Value;
            await Task.Delay(50);
        }
        Assert.Fail("no banner within 30 s: " + output());
        return string.Empty;
    }

    [GeneratedRegex(@"-d '(\{.*\})'")]
    private static partial Regex CurlBodyPattern();

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningPattern();
}
