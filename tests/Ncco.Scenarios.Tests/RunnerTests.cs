using Ncco.Scenarios.Tests.Support;
using Ncco.Testing.Scenarios;

namespace Ncco.Scenarios.Tests;

/// <summary>The runner against an app over real HTTP: passes, and failures that say which step, what was expected and what happened.</summary>
public sealed class RunnerTests
{
    private static Scenario Load(string yaml, string path = "inline.yaml")
    {
        var file = ScenarioLoader.Parse(yaml, path);
        Assert.True(file.IsValid, file.DescribeErrors());
        return Assert.Single(file.Scenarios);
    }

    [Fact]
    public async Task A_planted_wrong_greeting_fails_at_its_step_with_the_call_log()
    {
        await using var app = await MenuApp.StartAsync(greeting: "Welcome to Acne.");
        var scenario = Assert.Single(ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "scenarios", "sales.yaml")).Scenarios);

        var result = await ScenarioRunner.ForUrl(app.BaseUrl).RunAsync(scenario);

        Assert.False(result.Passed);
        var failure = result.Failure!;
        Assert.Equal(6, failure.Location.Line);
        Assert.Equal("hear", failure.Step!.Name);
        var report = failure.ToString();
        Assert.Contains("sales.yaml:6:5: hear: Welcome to Acme", report, StringComparison.Ordinal);
        Assert.Contains("Welcome to Acme", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Welcome to Acne", report, StringComparison.Ordinal);
        Assert.True(report.Split('\n').Length < 80, "the report fits on a screen:\n" + report);
    }

    [Fact]
    public async Task A_failure_report_holds_the_call_log_once()
    {
        // The DSL's message already has the compact log and names the file with the whole one; the report used to add
        // the whole log again below it, doubling every failure `ncco test` printed.
        await using var app = await MenuApp.StartAsync(greeting: "Welcome to Acne.");
        var scenario = Assert.Single(ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "scenarios", "sales.yaml")).Scenarios);

        var result = await ScenarioRunner.ForUrl(app.BaseUrl).RunAsync(scenario);

        var report = result.Failure!.ToString();
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(report, @"Call log \(virtual time"));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(report, "inbound leg 447700900001"));
        Assert.Contains("Full call log with webhook payloads: ", report, StringComparison.Ordinal);
        Assert.NotEmpty(result.Failure.CallLog);
    }

    // A runner over a delegate app (https://app.example/), for what scenario files say about the app's webhooks.
    private static ScenarioRunner Over(Ncco.Testing.Hosting.WebhookApp app) =>
        new(configure => Task.FromResult(Ncco.Testing.VoiceSimulator.Start(app, configure)));

    [Fact]
    public async Task A_scenario_tests_the_fallback_answer_url_by_allowing_the_answer_webhooks_error()
    {
        var app = new Ncco.Testing.Hosting.WebhookApp()
            .Map("/webhooks/answer", _ => Ncco.Webhooks.WebhookResponse.Status(500))
            .Map("/webhooks/fallback", _ => """[{"action":"talk","text":"Sorry, we are having trouble."}]""")
            .Map("/webhooks/event", _ => null);
        const string Steps = """
              - dial: { from: "447700900001", to: "447700900000" }
              - hear: having trouble
            """;

        // Without the allowance the answer's 500 fails the scenario, and the message says how to allow it in the file.
        var refused = await Over(app).RunAsync(Load("app: { fallback_url: /webhooks/fallback }\nsteps:\n" + Steps));
        Assert.False(refused.Passed);
        Assert.Contains("allow it with app: { allow_webhook_errors: [/webhooks/answer] }", refused.Failure!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SimulatorOptions", refused.Failure.Message, StringComparison.Ordinal);

        var allowed = await Over(app).RunAsync(Load("app: { fallback_url: /webhooks/fallback, allow_webhook_errors: [/webhooks/answer] }\nsteps:\n" + Steps));
        Assert.True(allowed.Passed, allowed.Failure?.ToString());
    }

    [Fact]
    public async Task A_scenario_names_the_public_url_the_app_writes_into_its_nccos()
    {
        // As Vonage's snippets do: the app's public (ngrok) address written into an action's eventUrl.
        var app = new Ncco.Testing.Hosting.WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1},"eventUrl":["https://demo.ngrok.io/webhooks/dtmf"]}]""")
            .Map("/webhooks/dtmf", _ => """[{"action":"talk","text":"You pressed 4."}]""")
            .Map("/webhooks/event", _ => null);
        const string Steps = """
              - dial: { from: "447700900001", to: "447700900000" }
              - press: 4
              - expect_webhook: { path: /webhooks/dtmf, fields: { dtmf.digits: "4" } }
              - hear: You pressed 4
            """;

        var refused = await Over(app).RunAsync(Load("steps:\n" + Steps));
        Assert.False(refused.Passed);
        Assert.Contains("say so with app: { public_url: https://demo.ngrok.io } in the scenario file, or ncco test --public-url https://demo.ngrok.io.",
            refused.Failure!.Message, StringComparison.Ordinal);

        var fromFile = await Over(app).RunAsync(Load("app: { public_url: https://demo.ngrok.io }\nsteps:\n" + Steps));
        Assert.True(fromFile.Passed, fromFile.Failure?.ToString());

        // The command line's --public-url is a default the file may leave out.
        var runner = new ScenarioRunner(configure => Task.FromResult(Ncco.Testing.VoiceSimulator.Start(app, configure)),
            new ScenarioApp { PublicUrl = new Uri("https://demo.ngrok.io") });
        var fromDefaults = await runner.RunAsync(Load("steps:\n" + Steps));
        Assert.True(fromDefaults.Passed, fromDefaults.Failure?.ToString());
    }

    [Fact]
    public async Task An_expected_webhook_that_did_not_come_lists_what_was_sent_instead()
    {
        await using var app = await MenuApp.StartAsync();
        var scenario = Load("""
            steps:
              - dial: { from: "447700900001", to: "447700900000" }
              - hear: Welcome
              - press: 2
              - expect_webhook: { path: /webhooks/menu, fields: { dtmf.digits: "1" }, within: 30s }
            """);

        var result = await ScenarioRunner.ForUrl(app.BaseUrl).RunAsync(scenario);

        var failure = Assert.IsType<ScenarioFailure>(result.Failure);
        Assert.True(failure.Location.Line == 5, failure.Message);
        Assert.True(failure.Message.Contains("Expected the app to receive a webhook GET or POST /webhooks/menu with dtmf.digits = \"1\"", StringComparison.Ordinal), failure.Message);
        Assert.True(failure.Message.Contains("Webhooks the app received", StringComparison.Ordinal), failure.Message);
        Assert.Contains("/webhooks/menu", failure.Message, StringComparison.Ordinal);
        Assert.True(failure.Message.Contains("but dtmf.digits is \"2\"", StringComparison.Ordinal), failure.Message);
    }

    [Fact]
    public async Task A_party_event_that_cannot_come_any_more_fails_at_once_like_the_csharp_assertion()
    {
        await using var app = await MenuApp.StartAsync();
        var scenario = Load("""
            steps:
              - dial: { from: "447700900001", to: "447700900000" }
              - hear: Welcome
              - hang_up
              - expect_end
              - expect_event: { status: completed, party: caller }
              - expect_event: { status: busy, party: caller, within: 5m }
            """);

        var result = await ScenarioRunner.ForUrl(app.BaseUrl).RunAsync(scenario);

        // The first expect_event claimed "completed"; the second cannot come (the call ended, nothing is on its way), so it
        // fails without waiting the 5 virtual minutes, with the DSL's message listing the webhooks about the party.
        var failure = Assert.IsType<ScenarioFailure>(result.Failure);
        Assert.True(failure.Location.Line == 7, failure.Message);
        Assert.True(failure.Message.Contains("the call ended and nothing else is on its way", StringComparison.Ordinal), failure.Message);
        Assert.True(failure.Message.Contains("Webhooks about caller", StringComparison.Ordinal), failure.Message);
        Assert.True(failure.Message.Contains("but status is \"", StringComparison.Ordinal), failure.Message);
        Assert.True(failure.Message.Contains("waited until +00:", StringComparison.Ordinal), failure.Message);
    }

    [Fact]
    public async Task An_app_that_is_not_running_fails_the_scenario_with_the_reason()
    {
        // A port nothing listens on: bind one, note it, close it.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var scenario = Load("""
            steps:
              - dial: { from: "447700900001", to: "447700900000" }
              - hear: Welcome
            """);

        var result = await ScenarioRunner.ForUrl(new Uri($"http://127.0.0.1:{port}/")).RunAsync(scenario);

        Assert.False(result.Passed);
        // The simulator fails the step whose webhook got no answer (the dial), naming the request and why.
        var report = result.Failure!.ToString();
        // The first webhook of the call to fail is named: the started event or the answer webhook, whichever went first.
        Assert.Matches($@"The app answered (GET|POST) http://127\.0\.0\.1:{port}/webhooks/(answer|event) \((answer webhook|status event ""started"")\) with connection failed", report);
        Assert.Equal(2, result.Failure.Location.Line);
    }

    [Fact]
    public async Task Webhook_paths_come_from_the_scenario_over_the_runner_defaults()
    {
        await using var app = await MenuApp.StartAsync();
        var scenario = Load("""
            app:
              answer_url: /nothing-here
            steps:
              - dial: { from: "447700900001", to: "447700900000" }
              - hear: { text: Welcome, within: 5s }
            """);

        var defaults = new ScenarioApp { AnswerUrl = "/webhooks/answer" };
        var fromScenario = await ScenarioRunner.ForUrl(app.BaseUrl, defaults).RunAsync(scenario);
        Assert.False(fromScenario.Passed);
        Assert.Contains("/nothing-here", fromScenario.Failure!.ToString(), StringComparison.Ordinal);

        var noOwnApp = Load("""
            steps:
              - dial: { from: "447700900001", to: "447700900000" }
              - hear: { text: Welcome, within: 5s }
            """);
        var fromDefaults = await ScenarioRunner.ForUrl(app.BaseUrl, new ScenarioApp { AnswerUrl = "/nothing-here" }).RunAsync(noOwnApp);
        Assert.False(fromDefaults.Passed);
        var passes = await ScenarioRunner.ForUrl(app.BaseUrl, defaults).RunAsync(noOwnApp);
        Assert.True(passes.Passed, passes.Failure?.ToString());
    }

    [Fact]
    public async Task A_file_with_errors_throws_a_format_exception_listing_them_from_xunit()
    {
        var dir = Directory.CreateTempSubdirectory("ncco-scenarios-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "broken.yaml"), "steps:\n  - dial: { from: \"1\", to: \"2\" }\n  - presss: 1\n");
            var single = Assert.Single(ScenarioFiles.Cases(dir.FullName));
            Assert.Null(single.Scenario);
            var e = await Assert.ThrowsAsync<ScenarioFormatException>(() => single.RunAsync(new Uri("http://127.0.0.1:9/")));
            Assert.Contains("broken.yaml:3:5: unknown step 'presss' (did you mean 'press'?)", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
