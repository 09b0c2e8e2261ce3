using Ncco.Testing.Scenarios.Parsing;
using Ncco.Model;
using Ncco.Webhooks;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary><c>expect_webhook</c>: a request to a path of the app, with these fields (auto-waiting).</summary>
internal sealed class ExpectWebhookStep : StepDefinition
{
    public override string Name => "expect_webhook";

    public override string Summary =>
        "Waits until the app has been sent a webhook to this path (answer, event, an input's or record's eventUrl, fallback) "
        + "with these fields. A webhook satisfies one such step: with `party:`, one step about that party; without, one step about any party (as in C#).";

    public override string Example => """- expect_webhook: { path: /webhooks/menu, fields: { dtmf.digits: "1" } }""";

    public override string? Shorthand => "path";

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        new("path", ValueKind.Path, "The path the webhook went to, e.g. /webhooks/recording (without a query, the query is not compared).") { Required = true },
        new("method", ValueKind.Method, "GET or POST. Default: either."),
        new("fields", ValueKind.Fields, "Fields the payload has (the JSON body, or the query of a GET)."),
        StepProperty.Party("Only a webhook about this party's call. Default: any party."),
        StepProperty.Within,
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check)
    {
        if (arguments.Has("party")) arguments.Party = check.Party(Name, arguments.Text("party"), arguments.At("party")!);
    }

    public override string Describe(StepArguments arguments) =>
        $"a webhook {arguments.Text("method") ?? "GET or POST"} {arguments.Text("path")}"
        + (arguments.Fields("fields") is { } f ? " with " + f.Describe("") : "") + WebhookWait.For(arguments.Party);

    public override Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context)
    {
        var path = arguments.Text("path")!;
        var method = arguments.Text("method") is { } m ? Enum.Parse<WebhookMethod>(m, ignoreCase: true) : (WebhookMethod?)null;
        return WebhookWait.RunAsync(context, Describe(arguments),
            w => (path.Contains('?', StringComparison.Ordinal) ? w.Request.Uri.PathAndQuery : w.Path) == path && (method is null || w.Request.Method == method),
            arguments.Fields("fields"), arguments.Duration("within"), arguments.Party, at);
    }
}
