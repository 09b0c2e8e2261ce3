using System.Xml.Linq;
using Ncco.Scenarios.Tests.Support;

namespace Ncco.Scenarios.Tests;

/// <summary>
/// The example apps outside .NET (examples/node-ivr with the official @vonage/voice NCCO builder, examples/python-flask
/// and examples/python-conference with Flask), each run as a real process and tested by <c>ncco test</c> over HTTP with their own scenario files; then
/// each with a planted mistake, which must fail with a message that says what went wrong where.
/// </summary>
public sealed class ExampleAppTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("ncco-examples-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static string NodeIvr => Path.Combine(Repo.Examples, "node-ivr");

    private static string PythonFlask => Path.Combine(Repo.Examples, "python-flask");

    private static string PythonConference => Path.Combine(Repo.Examples, "python-conference");

    private static Task<ExternalApp> StartNodeAsync(string directory)
    {
        var modules = Path.Combine(NodeIvr, "node_modules");
        Assert.True(Directory.Exists(Path.Combine(modules, "@vonage", "voice")),
            "examples/node-ivr has no node_modules: run .ci/deps/examples.sh (npm ci in examples/node-ivr), then the tests again.");
        return ExternalApp.StartAsync("node", "server.js", directory, new Dictionary<string, string> { ["NODE_PATH"] = modules });
    }

    [Fact]
    public async Task Node_ivr_passes_its_scenarios()
    {
        await using var app = await StartNodeAsync(NodeIvr);
        var junit = Path.Combine(_temp.FullName, "node.xml");

        var (exit, output, error) = await NccoCli.RunAsync("test", Path.Combine(NodeIvr, "scenarios"), "--app", app.BaseUrl.ToString(), "--junit", junit);

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}\napp output:\n{app.Output}");
        Assert.Contains("5 passed, 0 failed (5 scenarios", output, StringComparison.Ordinal);
        Assert.Contains("PASS  ", output, StringComparison.Ordinal);
        var suites = XDocument.Load(junit).Root!;
        Assert.Equal("5", suites.Attribute("tests")!.Value);
        Assert.Equal("0", suites.Attribute("failures")!.Value);
        Assert.Equal(5, suites.Descendants("testcase").Count());
    }

    [Fact]
    public async Task Node_ivr_with_a_planted_mistake_fails_readably()
    {
        // The mistake: a typo in the greeting, in a copy of the app (node_modules from the example through NODE_PATH).
        var source = await File.ReadAllTextAsync(Path.Combine(NodeIvr, "server.js"));
        Assert.Contains("Thank you for calling Acme Pharmacy.", source, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(_temp.FullName, "server.js"), source.Replace("Thank you for calling Acme Pharmacy.", "Thank you for calling Acme Pharmcy.", StringComparison.Ordinal));
        await using var app = await StartNodeAsync(_temp.FullName);
        var junit = Path.Combine(_temp.FullName, "node.xml");
        var scenario = Path.Combine(NodeIvr, "scenarios", "menu.yaml");

        var (exit, output, error) = await NccoCli.RunAsync("test", scenario, "--app", app.BaseUrl.ToString(), "--junit", junit);

        Assert.True(exit == 1 && output.Contains("menu.yaml:5:5: hear: Thank you for calling Acme Pharmacy", StringComparison.Ordinal), $"exit {exit}\n{output}\n{error}");
        Assert.Contains("FAIL  ", output, StringComparison.Ordinal);
        Assert.Contains("menu.yaml:5:5: hear: Thank you for calling Acme Pharmacy", output, StringComparison.Ordinal);
        Assert.Contains("Expected caller to hear \"Thank you for calling Acme Pharmacy\"", output, StringComparison.Ordinal);
        Assert.Contains("Acme Pharmcy", output, StringComparison.Ordinal);
        Assert.Contains("2 passed, 1 failed (3 scenarios", output, StringComparison.Ordinal);
        var failure = Assert.Single(XDocument.Load(junit).Descendants("failure"));
        Assert.Contains("Expected caller to hear \"Thank you for calling Acme Pharmacy\"", failure.Attribute("message")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Python_flask_passes_its_scenarios()
    {
        await using var app = await ExternalApp.StartAsync("python3", "app.py", PythonFlask);

        var (exit, output, error) = await NccoCli.RunAsync("test", Path.Combine(PythonFlask, "scenarios"), "--app", app.BaseUrl.ToString());

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}\napp output:\n{app.Output}");
        Assert.Contains("3 passed, 0 failed (3 scenarios", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Python_flask_with_a_planted_mistake_fails_readably()
    {
        // The mistake: Alice's number mistyped in the list of known callers.
        var source = await File.ReadAllTextAsync(Path.Combine(PythonFlask, "app.py"));
        Assert.Contains("\"447700900001\": \"Alice\"", source, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(_temp.FullName, "app.py"), source.Replace("\"447700900001\": \"Alice\"", "\"447700900010\": \"Alice\"", StringComparison.Ordinal));
        await using var app = await ExternalApp.StartAsync("python3", "app.py", _temp.FullName);

        var (exit, output, error) = await NccoCli.RunAsync("test", Path.Combine(PythonFlask, "scenarios"), "--app", app.BaseUrl.ToString());

        Assert.True(exit == 1, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("greeting.yaml:5:5: hear: Hello Alice, welcome back", output, StringComparison.Ordinal);
        Assert.Contains("Expected caller to hear \"Hello Alice, welcome back\"", output, StringComparison.Ordinal);
        Assert.Contains("thank you for calling from 4 4 7 7 0 0 9 0 0 0 0 1", output, StringComparison.Ordinal);
        Assert.Contains("2 passed, 1 failed (3 scenarios", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Python_conference_passes_its_scenarios()
    {
        await using var app = await ExternalApp.StartAsync("python3", "app.py", PythonConference);

        var (exit, output, error) = await NccoCli.RunAsync("test", Path.Combine(PythonConference, "scenarios"), "--app", app.BaseUrl.ToString(),
            "--call-logs", Path.Combine(_temp.FullName, "logs"));

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}\napp output:\n{app.Output}");
        Assert.Contains("2 passed, 0 failed (2 scenarios", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Python_conference_with_a_planted_mistake_fails_readably()
    {
        // The mistake: the host's leaving no longer ends the conference, so the attendee is left in it.
        var source = await File.ReadAllTextAsync(Path.Combine(PythonConference, "app.py"));
        Assert.Contains("\"endOnExit\": is_host,", source, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(_temp.FullName, "app.py"), source.Replace("\"endOnExit\": is_host,", "\"endOnExit\": False,", StringComparison.Ordinal));
        await using var app = await ExternalApp.StartAsync("python3", "app.py", _temp.FullName);

        var (exit, output, error) = await NccoCli.RunAsync("test", Path.Combine(PythonConference, "scenarios"), "--app", app.BaseUrl.ToString(),
            "--call-logs", Path.Combine(_temp.FullName, "logs"));

        Assert.True(exit == 1, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("conference.yaml:12:5: expect_end: attendee", output, StringComparison.Ordinal);
        Assert.Contains("Expected attendee's call to end", output, StringComparison.Ordinal);
        Assert.Contains("1 passed, 1 failed (2 scenarios", output, StringComparison.Ordinal);
    }

    private static string NodeHoldLine => Path.Combine(Repo.Examples, "node-hold-line");

    /// <summary>A loopback port nothing listens on now (bound to port 0 and released): the app must know it before ncco test serves it.</summary>
    private static int FreeLoopbackPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static Task<ExternalApp> StartHoldLineAsync(string directory, int apiPort)
    {
        var modules = Path.Combine(NodeHoldLine, "node_modules");
        Assert.True(Directory.Exists(Path.Combine(modules, "@vonage", "server-sdk")),
            "examples/node-hold-line has no node_modules: run .ci/deps/examples.sh (npm ci in examples/node-hold-line), then the tests again.");
        return ExternalApp.StartAsync("node", "server.js", directory, new Dictionary<string, string>
        {
            ["NODE_PATH"] = modules,
            ["VONAGE_API_HOST"] = $"http://127.0.0.1:{apiPort}",
        });
    }

    [Fact]
    public async Task Node_hold_line_controls_its_calls_through_the_voice_api_and_passes_its_scenarios()
    {
        var apiPort = FreeLoopbackPort();
        await using var app = await StartHoldLineAsync(NodeHoldLine, apiPort);

        var (exit, output, error) = await NccoCli.RunAsync("test", Path.Combine(NodeHoldLine, "scenarios"), "--app", app.BaseUrl.ToString(),
            "--api-port", apiPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--call-logs", Path.Combine(_temp.FullName, "logs"));

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}\napp output:\n{app.Output}");
        Assert.Contains("2 passed, 0 failed (2 scenarios", output, StringComparison.Ordinal);
        Assert.Contains($"Voice REST API for the app: http://127.0.0.1:{apiPort}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_hold_line_without_the_voice_api_fails_where_the_rest_talk_should_be_heard()
    {
        // The mistake: ncco test run without --api-port, so the app's REST requests reach nothing.
        var apiPort = FreeLoopbackPort();
        await using var app = await StartHoldLineAsync(NodeHoldLine, apiPort);

        var (exit, output, error) = await NccoCli.RunAsync("test", Path.Combine(NodeHoldLine, "scenarios"), "--app", app.BaseUrl.ToString(),
            "--call-logs", Path.Combine(_temp.FullName, "logs"));

        Assert.True(exit == 1, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("hold-line.yaml:7:5: hear: You are first in the queue", output, StringComparison.Ordinal);
        Assert.Contains("0 passed, 2 failed (2 scenarios", output, StringComparison.Ordinal);
    }
}
