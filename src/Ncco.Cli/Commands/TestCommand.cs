using System.CommandLine;
using Ncco.Cli.Output;
using Ncco.Model;
using Ncco.Testing.Scenarios;

namespace Ncco.Cli.Commands;

/// <summary>
/// <c>ncco test &lt;files or directories&gt; --app URL [--answer-url …] [--event-url …] [--fallback-url …] [--*-method …] [--public-url url] [--junit file] [--call-logs dir] [--watch]</c>: runs
/// scenario files (YAML, see src/Ncco.Testing/README.md) against a webhook app that is already running, in any
/// language — real HTTP to the app, virtual time for the calls — and reports like a test runner. Exit code 0 when every
/// scenario passed, 1 when any failed or a file has errors, 2 for a wrong command line, 3 when a path does not exist
/// or cannot be read, the app cannot be reached, or the JUnit file cannot be written.
/// </summary>
public static class TestCommand
{
    /// <summary>How long the check that the app answers at all may take before the run gives up on it.</summary>
    public static readonly TimeSpan ReachTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Where failing scenarios' full call logs go unless <c>--call-logs</c> says: relative to the current directory.</summary>
    public const string DefaultCallLogDirectory = "ncco-call-logs";

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
        var answerMethod = MethodOption("--answer-method", "answer webhook", "GET");
        var eventMethod = MethodOption("--event-method", "event webhook", "POST");
        var fallbackMethod = MethodOption("--fallback-method", "fallback answer webhook", "GET");
        var publicUrl = new Option<string?>("--public-url")
        {
            Description = "The app's public base URL, when it writes it into its NCCOs' eventUrl (e.g. https://demo.ngrok.io): webhooks to that host go to --app.",
            HelpName = "url",
        };
        publicUrl.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            {
                result.AddError($"--public-url must be an http:// or https:// URL such as https://demo.ngrok.io, not '{value}'.");
            }
        });
        var junit = new Option<FileInfo?>("--junit") { Description = "Also write the results as JUnit XML to this file (for CI).", HelpName = "file" };
        var callLogs = new Option<DirectoryInfo?>("--call-logs")
        {
            Description = "Where the full call log of each failing scenario is written (default ./ncco-call-logs).",
            HelpName = "dir",
        };
        var apiPort = new Option<int?>("--api-port")
        {
            Description = "Serve the Vonage Voice REST API (/v1/calls) on http://127.0.0.1:<port> for the app to control its calls through "
                + "(start the app with VONAGE_API_HOST=http://127.0.0.1:<port>); 0 takes a free port and prints it.",
            HelpName = "port",
        };
        apiPort.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value and (< 0 or > 65535)) result.AddError($"--api-port must be a port from 0 to 65535, not {value}.");
        });
        var apiSettle = new Option<int?>("--api-settle")
        {
            Description = "With --api-port: real milliseconds the app is given after each webhook it answered (and each REST request) "
                + "to send its next REST request before virtual time moves on (default 200).",
            HelpName = "ms",
        };
        apiSettle.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value and (< 0 or > 10_000)) result.AddError($"--api-settle must be 0 to 10000 milliseconds, not {value}.");
        });
        var watch = new Option<bool>("--watch", "-w") { Description = "Run again whenever a scenario file changes; Ctrl+C stops." };

        var command = new Command("test", Description)
        {
            paths, app, answerUrl, eventUrl, fallbackUrl, answerMethod, eventMethod, fallbackMethod, publicUrl, apiPort, apiSettle, junit, callLogs, watch,
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
                    FallbackMethod = Method(parse.GetValue(fallbackMethod)),
                    PublicUrl = parse.GetValue(publicUrl) is { } url ? new Uri(url) : null,
                },
                parse.GetValue(junit)?.FullName,
                // The current directory, like the JUnit file's: the tool's own directory (where a test assembly's logs
                // go) is a package store for an installed tool, not a place anyone looks or may write.
                parse.GetValue(callLogs)?.FullName ?? Path.GetFullPath(DefaultCallLogDirectory),
                console,
                TimeProvider.System)
            {
                ApiPort = parse.GetValue(apiPort),
                ApiSettle = parse.GetValue(apiSettle) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            };
            return parse.GetValue(watch) ? run.WatchAsync(cancellationToken) : run.RunOnceAsync(cancellationToken);
        });
        return command;
    }

    /// <summary>What <c>ncco test --help</c> says before the usage: what it does, what it prints, exit codes, examples.</summary>
    internal const string Description = """
        Run scenario files (YAML: a call as steps) against a webhook app that is already running, in any language
        (Node, Python, PHP, Java, .NET…): real HTTP to the app, virtual time for the calls, so a call's timeouts and
        silences take no real time. The scenario format is in src/Ncco.Testing/README.md; `ncco schema --scenarios` prints
        its JSON Schema for editor completion.

        The app's webhooks are paths on --app: the answer webhook is GET /webhooks/answer and events go to
        POST /webhooks/event unless --answer-url/--event-url (and the methods) say otherwise; an 'app:' section in a
        scenario file wins over these options for that file. An app that writes its public address into its NCCOs'
        eventUrl (https://demo.ngrok.io/webhooks/…) names it with --public-url: webhooks to any other host are refused,
        as the platform could not reach them. An app that controls its calls through the Voice REST API (transfer,
        hangup, talk, stream, DTMF, outbound calls) gets it from --api-port: start the app with its API host there
        (VONAGE_API_HOST=http://127.0.0.1:<port>, the Node SDK's apiHost); any well-formed application JWT is accepted.
        Virtual time waits for the app's REST requests: after each webhook it answered, the app has --api-settle ms
        of real time to send one. The run first checks that something answers at --app, then runs the
        scenarios one at a time, in path order.

        Output: one line per scenario (PASS or FAIL, file › name, wall time); for a failure, the step as written
        (file:line:column), what was expected and what happened, and the call log with virtual timestamps (without webhook
        payloads: the whole log is written to a file under --call-logs, default ./ncco-call-logs, and named); a file with
        mistakes lists each as file:line:column: reason; then a summary line. --junit also writes JUnit XML (one
        testsuite per file, one testcase per scenario, the call log in system-out) for CI systems to show.

        Exit codes:
          0  every scenario passed
          1  a scenario failed, a scenario file has errors, or no scenario file was found
          2  usage error: unknown option, missing --app or scenario path, a bad URL, path or method
          3  a path does not exist or cannot be read, the app cannot be reached, the JUnit file cannot be written,
             the --api-port is taken
          With --watch: the exit code of the last run when Ctrl+C stops it.

        Examples:
          ncco test scenarios/ --app http://127.0.0.1:3000
          ncco test scenarios/ --app http://127.0.0.1:3000 --junit test-results/ncco.xml
          ncco test ivr.yaml --app http://127.0.0.1:5000 --answer-url /answer --answer-method POST --event-url /events
          ncco test scenarios/ --app http://127.0.0.1:3000 --public-url https://demo.ngrok.io
          ncco test scenarios/ --app http://127.0.0.1:3000 --watch
          VONAGE_API_HOST=http://127.0.0.1:3030 node server.js &  ncco test scenarios/ --app http://127.0.0.1:3000 --api-port 3030
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

    private static Option<string?> MethodOption(string name, string webhook, string defaultMethod)
    {
        var option = new Option<string?>(name) { Description = $"The {webhook}'s HTTP method, GET or POST (default {defaultMethod}).", HelpName = "GET|POST" };
        option.CompletionSources.Add("GET", "POST");
        option.Validators.Add(result =>
        {
            // Named here rather than by AcceptOnlyFromAmong, whose message does not say which option was wrong.
            var value = result.GetValueOrDefault<string?>();
            if (value?.ToUpperInvariant() is not ("GET" or "POST")) result.AddError($"{name} must be GET or POST, not '{value}'.");
        });
        return option;
    }

    private static WebhookMethod? Method(string? value) => value?.ToUpperInvariant() switch
    {
        null => null,
        "GET" => WebhookMethod.Get,
        _ => WebhookMethod.Post,
    };
}
