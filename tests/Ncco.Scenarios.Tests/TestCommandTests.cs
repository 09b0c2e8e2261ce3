using System.Xml.Linq;
using Ncco.Cli;
using Ncco.Scenarios.Tests.Support;

namespace Ncco.Scenarios.Tests;

/// <summary><c>ncco test</c>: help, the command line's mistakes, exit codes, output, JUnit XML and --watch.</summary>
public sealed class TestCommandTests(MenuAppFixture app) : IClassFixture<MenuAppFixture>, IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("ncco-test-command-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static string Scenarios => Path.Combine(AppContext.BaseDirectory, "scenarios");

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_temp.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public async Task Help_says_what_it_does_every_option_and_the_exit_codes()
    {
        var (exit, output, _) = await NccoCli.RunAsync("test", "--help");

        Assert.Equal(ExitCodes.Success, exit);
        foreach (var expected in new[]
        {
            "Usage:", "ncco test", "<scenarios>", "--app", "--answer-url", "--event-url", "--fallback-url", "--answer-method", "--event-method",
            "--fallback-method", "--public-url", "--api-port", "--api-settle", "VONAGE_API_HOST", "--junit", "--call-logs", "--watch", "Output:", "Exit codes:", "1  a scenario failed", "3  a path does not exist", "Examples:",
            "ncco test scenarios/ --app http://127.0.0.1:3000", "--answer-method POST",
        })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
        var (_, rootHelp, _) = await NccoCli.RunAsync("--help");
        Assert.Contains("test", rootHelp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_scenarios_prints_the_committed_scenario_schema()
    {
        var (exit, output, _) = await NccoCli.RunAsync("schema", "--scenarios");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(File.ReadAllText(Repo.SchemaFile).ReplaceLineEndings("\n"), output.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("Option '--app' is required", "test", "scenarios")]
    [InlineData("--app must be an http:// or https:// URL", "test", "scenarios", "--app", "127.0.0.1:3000")]
    [InlineData("--answer-url must be a path on the app starting with /", "test", "scenarios", "--app", "http://127.0.0.1:3000", "--answer-url", "webhooks/answer")]
    [InlineData("unknown option '--jnit'", "test", "scenarios", "--app", "http://127.0.0.1:3000", "--jnit", "x.xml")]
    [InlineData("Required argument missing", "test", "--app", "http://127.0.0.1:3000")]
    [InlineData("--fallback-method must be GET or POST, not 'PUT'", "test", "scenarios", "--app", "http://127.0.0.1:3000", "--fallback-method", "PUT")]
    [InlineData("--public-url must be an http:// or https:// URL such as https://demo.ngrok.io, not 'demo.ngrok.io'", "test", "scenarios", "--app", "http://127.0.0.1:3000", "--public-url", "demo.ngrok.io")]
    public async Task A_wrong_command_line_is_a_usage_error(string message, params string[] args)
    {
        var (exit, _, error) = await NccoCli.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Run 'ncco test --help' for usage.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passing_scenarios_exit_zero_with_a_line_each_and_a_summary()
    {
        var (exit, output, error) = await NccoCli.RunAsync("test", Scenarios, "--app", app.BaseUrl.ToString());

        Assert.True(exit == ExitCodes.Success, output + error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"Running 3 scenarios from 3 files against {app.BaseUrl}", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^  PASS  .*sales-busy\.yaml › Sales is busy, so the caller leaves a message \(\d+ ms\)$", lines[1]);
        Assert.Matches(@"^3 passed, 0 failed \(3 scenarios, \d+\.\d\d s\)$", lines[^1]);
    }

    [Fact]
    public async Task A_failing_scenario_exits_one_with_its_report_and_junit()
    {
        var scenario = Write("wrong.yaml", """
            name: Expects a greeting the app does not say
            steps:
              - dial: { from: "447700900001", to: "447700900000" }
              - hear: { text: Welcome to Globex, within: 30s }
            """);
        var junit = Path.Combine(_temp.FullName, "out", "results.xml");

        var (exit, output, _) = await NccoCli.RunAsync("test", scenario, Path.Combine(Scenarios, "sales.yaml"), "--app", app.BaseUrl.ToString(), "--junit", junit);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("  FAIL  ", output, StringComparison.Ordinal);
        Assert.Contains("1) ", output, StringComparison.Ordinal);
        Assert.Contains("wrong.yaml:4:5: hear: { text: Welcome to Globex, within: 30s }", output, StringComparison.Ordinal);
        Assert.Contains("Expected caller to hear \"Welcome to Globex\"", output, StringComparison.Ordinal);
        Assert.Contains("Welcome to Acme", output, StringComparison.Ordinal);
        Assert.Contains("1 passed, 1 failed (2 scenarios", output, StringComparison.Ordinal);

        var suites = XDocument.Load(junit).Root!;
        Assert.Equal("testsuites", suites.Name.LocalName);
        Assert.Equal(("2", "1", "0"), (suites.Attribute("tests")!.Value, suites.Attribute("failures")!.Value, suites.Attribute("errors")!.Value));
        var failed = suites.Descendants("testcase").Single(t => t.Element("failure") is not null);
        Assert.Equal("Expects a greeting the app does not say", failed.Attribute("name")!.Value);
        Assert.EndsWith("wrong.yaml", failed.Attribute("classname")!.Value, StringComparison.Ordinal);
        Assert.StartsWith("Expected caller to hear \"Welcome to Globex\"", failed.Element("failure")!.Attribute("message")!.Value, StringComparison.Ordinal);
        Assert.Contains("+00:00.000", failed.Element("system-out")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_scenarios_whole_call_log_goes_under_call_logs_and_is_named_once()
    {
        var wrong = Write("wrong.yaml", "name: Expects a greeting the app does not say\nsteps:\n  - dial: { from: \"447700900001\", to: \"447700900000\" }\n  - hear: Welcome to Globex\n");
        var logs = Path.Combine(_temp.FullName, "logs");

        var (exit, output, _) = await NccoCli.RunAsync("test", wrong, "--app", app.BaseUrl.ToString(), "--call-logs", logs);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        // Not beside the tool (an installed tool's package store): where --call-logs says, named in the report.
        var file = Assert.Single(Directory.GetFiles(logs));
        Assert.EndsWith("wrong.yaml-4.calllog.txt", file, StringComparison.Ordinal);
        Assert.Contains($"Full call log with webhook payloads: {file}", output, StringComparison.Ordinal);
        Assert.Contains("\"dtmf\"", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        // The compact log once, not followed by the whole log a second time.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, @"Call log \(virtual time"));
    }

    [Fact]
    public async Task A_file_with_errors_exits_one_listing_them_and_the_other_files_still_run()
    {
        var broken = Write("broken.yaml", "steps:\n  - dial: { from: \"1\", to: \"2\" }\n  - say: { text: hi, confidance: 0.5 }\n");
        var junit = Path.Combine(_temp.FullName, "results.xml");

        var (exit, output, _) = await NccoCli.RunAsync("test", broken, Path.Combine(Scenarios, "support.yaml"), "--app", app.BaseUrl.ToString(), "--junit", junit);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("broken.yaml is not a valid scenario file (1 error):", output, StringComparison.Ordinal);
        Assert.Contains("broken.yaml:3:22: 'say' has no property 'confidance' (did you mean 'confidence'?)", output, StringComparison.Ordinal);
        Assert.Contains("1 passed, 0 failed, 1 file with errors (1 scenario", output, StringComparison.Ordinal);
        var error = Assert.Single(XDocument.Load(junit).Descendants("error"));
        Assert.Equal("InvalidScenarioFile", error.Attribute("type")!.Value);
    }

    [Fact]
    public async Task A_path_that_does_not_exist_exits_three()
    {
        var (exit, _, error) = await NccoCli.RunAsync("test", Path.Combine(_temp.FullName, "nope.yaml"), "--app", app.BaseUrl.ToString());

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("no such file or directory", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_without_scenario_files_exits_one()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_temp.FullName, "empty")).FullName;

        var (exit, output, _) = await NccoCli.RunAsync("test", empty, "--app", app.BaseUrl.ToString());

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("no scenario files (*.yaml, *.yml) in it", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_that_is_not_running_exits_three_once_instead_of_failing_every_scenario()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (exit, _, error) = await NccoCli.RunAsync("test", Scenarios, "--app", $"http://127.0.0.1:{port}");

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains($"cannot reach the app at http://127.0.0.1:{port}/", error, StringComparison.Ordinal);
        Assert.Contains("Is it running", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_url_from_the_command_line_is_used_unless_the_file_sets_one()
    {
        var scenario = Write("greeting.yaml", """
            steps:
              - dial: { from: "447700900001", to: "447700900000" }
              - hear: { text: Welcome to Acme, within: 30s }
            """);

        var (wrongExit, wrongOutput, _) = await NccoCli.RunAsync("test", scenario, "--app", app.BaseUrl.ToString(), "--answer-url", "/elsewhere");
        var (exit, output, _) = await NccoCli.RunAsync("test", scenario, "--app", app.BaseUrl.ToString(), "--answer-url", "/webhooks/answer", "--answer-method", "get");

        Assert.Equal(ExitCodes.InvalidInput, wrongExit);
        Assert.Contains("/elsewhere", wrongOutput, StringComparison.Ordinal);
        Assert.True(exit == ExitCodes.Success, output);
    }

    [Fact]
    public async Task Watch_runs_again_when_a_scenario_file_changes()
    {
        var scenario = Write("watched/greeting.yaml", """
            steps:
              - dial: { from: "447700900001", to: "447700900000" }
              - hear: { text: Welcome to Globex, within: 30s }
            """);
        var output = new LockedWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var run = NccoCommandLine.RunAsync(["test", Path.GetDirectoryName(scenario)!, "--app", app.BaseUrl.ToString(), "--watch"],
            new CliConsole(TextReader.Null, output, new LockedWriter()), stop.Token);

        await Until(() => output.Text.Contains("Watching for changes", StringComparison.Ordinal), run);
        Assert.Contains("0 passed, 1 failed", output.Text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(scenario, File.ReadAllText(scenario).Replace("Globex", "Acme", StringComparison.Ordinal));
        await Until(() => output.Text.Split("Watching for changes").Length > 2, run);
        Assert.Contains("1 passed, 0 failed", output.Text, StringComparison.Ordinal);
        Assert.Contains("A scenario file changed: running again.", output.Text, StringComparison.Ordinal);

        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Success, await run.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task Until(Func<bool> condition, Task run)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!condition())
        {
            Assert.False(run.IsCompleted, "ncco test --watch ended early");
            await Task.Delay(50, timeout.Token);
        }
    }
}
