using Ncco.Testing.Scenarios.Steps;

namespace Ncco.Testing.Scenarios.Parsing;

/// <summary>The keys of a scenario and of its <c>app:</c> section: the loader reads them, the schema describes them.</summary>
internal static class ScenarioKeys
{
    public static StepProperty Name { get; } = new("name", ValueKind.Text, "What the scenario shows, in a sentence: the test's name in reports. Default: the file's name.");

    public static StepProperty Description { get; } = new("description", ValueKind.Text, "More words about the scenario, for readers.");

    public static StepProperty Timeout { get; } = new("timeout", ValueKind.Duration, "How long (virtual time) each expectation waits before it fails, unless the step says 'within'.") { Default = "10m" };

    public const string AppDescription =
        "Where the app takes its webhooks: paths on the app's base URL (ncco test --app). Each one set here wins over the command line's.";

    public const string StepsDescription = "The call, step by step: what the callers do and what they and the app must see.";

    public static IReadOnlyList<StepProperty> App { get; } =
    [
        new("answer_url", ValueKind.Path, "The answer webhook's path (a query may follow).") { Default = "/webhooks/answer" },
        new("answer_method", ValueKind.Method, "The answer webhook's method.") { Default = "GET" },
        new("event_url", ValueKind.Path, "The event webhook's path.") { Default = "/webhooks/event" },
        new("event_method", ValueKind.Method, "The event webhook's method.") { Default = "POST" },
        new("fallback_url", ValueKind.Path, "The fallback answer webhook's path. Default: none."),
        new("fallback_method", ValueKind.Method, "The fallback webhook's method.") { Default = "GET" },
        new("public_url", ValueKind.Url,
            "The app's public base URL when it writes it into its NCCOs' eventUrl (e.g. https://demo.ngrok.io): webhooks to that host go to the app. Default: none (other hosts are refused)."),
        new("allow_webhook_errors", ValueKind.Paths,
            "Paths whose error answers the scenario means (e.g. [/webhooks/answer] to test fallback_url); any other error answer fails the scenario."),
    ];
}
