using System.CommandLine;
using Ncco.Cli.Output;
using Ncco.Model;
using Ncco.Testing.Scenarios;

namespace Ncco.Cli.Commands;

/// <summary>
/// <c>ncco test &lt;files or directories&gt; --app URL [--answer-url …] [--event-url …] [--junit file] [--watch]</c>: runs
/// scenario files (YAML, see src/Ncco.Testing/README.md) against a webhook app that is already running, in any
/// language — real HTTP to the app, virtual time for the calls — and reports like a test runner. Exit code 0 when every
/// scenario passed, 1 when any failed or a file has errors, 2 for a wrong command line, 3 when a path does not exist
/// or cannot be read, the app cannot be reached, or the JUnit file cannot be written.
/// </summary>
public static class TestCommand
{
    /// <summary>How long the check that the app answers at all may take before the run gives up on it.</summary>
    public static readonly TimeSpan ReachTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var paths = FileArguments.Create("scenarios",
            "Scenario files (*.yaml, *.yml); a directory means every scenario file in it and its subdirectories.");
        var app = new Option<string>("--app")
        {
            Description = "The running app's base URL, e.g. http://127.0.0.1:3000 (its webhooks are paths on it).",
            Required = true,
            HelpName = "url",
        };
        app.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            {
                result.AddError($"--app must be an http:// or https:// URL such as http://127.0.0.1:3000, not '{value}'.");
            }
        });
        var answerUrl = PathOption("--answer-url", "The answer webhook's path on the app (default /webhooks/answer).");
        var eventUrl = PathOption("--event-url", "The event webhook's path on the app (default /webhooks/event).");
        var fallbackUrl = PathOption("--fallback-url", "The fallback answer webhook's path on the app (default: none).");
        var answerMethod = MethodOption("--answer-method", "GET");
        var eventMethod = MethodOption("--event-method", "POST");
        var junit = new Option<FileInfo?>("--junit") { Description = "Also write the results as JUnit XML to this file (for CI).", HelpName = "file" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Run again whenever a scenario file changes; Ctrl+C stops." };

        var command = new Command("test", "Run scenario files (YAML: a call as steps) against a running webhook app in any language, "
            + "with virtual time for the calls, and report like a test runner. Scenario files set their own webhook paths in 'app:', "
            + "which win over the options here.\n\n" + ExitHelp)
        {
            paths, app, answerUrl, eventUrl, fallbackUrl, answerMethod, eventMethod, junit, watch,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var run = new TestRun(
                parse.GetValue(paths)!,
                new Uri(parse.GetValue(app)!),
                new ScenarioApp
                {
                    AnswerUrl = parse.GetValue(answerUrl),
                    EventUrl = parse.GetValue(eventUrl),
                    FallbackUrl = parse.GetValue(fallbackUrl),
                    AnswerMethod = Method(parse.GetValue(answerMethod)),
                    EventMethod = Method(parse.GetValue(eventMethod)),
                },
                parse.GetValue(junit)?.FullName,
                console,
                TimeProvider.System);
            return parse.GetValue(watch) ? run.WatchAsync(cancellationToken) : run.RunOnceAsync(cancellationToken);
        });
        return command;
    }

    /// <summary>The exit codes, as <c>ncco test --help</c> lists them.</summary>
    internal const string ExitHelp = """
        Exit codes:
          0  every scenario passed
          1  a scenario failed, or a scenario file has errors (each is printed as file:line:column: reason)
          2  usage error: unknown option, missing --app or scenario path
          3  a path does not exist or cannot be read, the app cannot be reached, the JUnit file cannot be written

        Example:
          ncco test scenarios/ --app http://127.0.0.1:3000 --junit test-results/ncco.xml
        """;

    private static Option<string?> PathOption(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = "path" };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is null || value.Length == 0 || value[0] != '/' || value.Any(char.IsWhiteSpace))
            {
                result.AddError($"{name} must be a path on the app starting with / (e.g. /webhooks/answer), not '{value}'; the app's address is --app.");
            }
        });
        return option;
    }

    private static Option<string?> MethodOption(string name, string defaultMethod)
    {
        var option = new Option<string?>(name) { Description = $"GET or POST (default {defaultMethod}).", HelpName = "GET|POST" };
        option.AcceptOnlyFromAmong("GET", "POST", "get", "post");
        option.HelpName = "GET|POST";
        return option;
    }

    private static WebhookMethod? Method(string? value) => value?.ToUpperInvariant() switch
    {
        null => null,
        "GET" => WebhookMethod.Get,
        _ => WebhookMethod.Post,
    };
}
