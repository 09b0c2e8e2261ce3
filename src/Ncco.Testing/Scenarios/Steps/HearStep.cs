using System.Text.RegularExpressions;
using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary>
/// <c>hear</c>: waits until the party has heard a prompt — <see cref="VirtualCall.HearsAsync(string, TimeSpan?, string, int)"/>,
/// its regex overload, or <see cref="VirtualCall.HearsPartyAsync"/> with <c>said_by</c>.
/// </summary>
internal sealed class HearStep : StepDefinition
{
    public override string Name => "hear";

    public override string Summary =>
        "Waits until the party has heard a prompt (played to its end, or interrupted) containing the text (case-insensitive), or matching a regex; "
        + "each 'hear' looks after what the previous one matched. With said_by: what another party said in a conversation.";

    public override string Example => "- hear: Welcome to Acme";

    public override string? Shorthand => "text";

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        new("text", ValueKind.Text, "Text the prompt contains (case-insensitive): talk text, a stream URL, or 'beep'."),
        new("regex", ValueKind.Pattern, "A .NET regular expression the prompt matches (case-sensitive; start it with (?i) to ignore case)."),
        StepProperty.Party("Who hears it. Default: the first caller."),
        new("said_by", ValueKind.Name, "In a conversation: the party who said the text."),
        StepProperty.Within,
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check)
    {
        CheckTextOrRegex(Name, arguments, at, check);
        if (arguments.Has("said_by"))
        {
            if (arguments.Has("regex")) check.Error(arguments.At("regex")!, "'said_by' works with 'text:', not 'regex:'");
            arguments.OtherParty = check.Party(Name, arguments.Text("said_by"), arguments.At("said_by")!);
        }
        arguments.Party = check.Party(Name, arguments.Text("party"), arguments.At("party") ?? at);
    }

    internal static void CheckTextOrRegex(string step, StepArguments arguments, SourceLocation at, ScenarioCheck check)
    {
        if (arguments.Has("text") && arguments.Has("regex")) check.Error(arguments.At("regex")!, $"'{step}' takes 'text:' or 'regex:', not both");
        else if (!arguments.Has("text") && !arguments.Has("regex")) check.Error(at, $"'{step}' needs what to hear: 'text:' or 'regex:'");
    }

    public override string Describe(StepArguments arguments) => arguments switch
    {
        _ when arguments.OtherParty is not null => $"{arguments.Party} hears {arguments.OtherParty} say \"{arguments.Text("text")}\"",
        _ when arguments.Pattern("regex") is { } regex => $"{arguments.Party} hears /{regex}/",
        _ => $"{arguments.Party} hears \"{arguments.Text("text")}\"",
    };

    public override async Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context)
    {
        var party = context.Party(arguments.Party);
        var within = arguments.Duration("within");
        if (arguments.OtherParty is not null)
            await party.HearsPartyAsync(context.Party(arguments.OtherParty), arguments.Text("text")!, within, at.File, at.Line);
        else if (arguments.Pattern("regex") is Regex regex)
            await party.HearsAsync(regex, within, at.File, at.Line);
        else
            await party.HearsAsync(arguments.Text("text")!, within, at.File, at.Line);
    }
}
