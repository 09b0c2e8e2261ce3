using Microsoft.CodeAnalysis;

namespace Ncco.Analyzers;

/// <summary>
/// Every diagnostic the Ncco analyzers report. Ids are stable; each has a page at <c>docs/rules/&lt;id&gt;.md</c>
/// that its help link points to. Severity can be changed per id in <c>.editorconfig</c>
/// (<c>dotnet_diagnostic.NCCO007.severity = error</c>).
/// </summary>
internal static class Descriptors
{
    /// <summary>Where the rule pages live; each descriptor's help link is this plus <c>&lt;id&gt;.md</c>.</summary>
    public const string HelpBase = "https://github.com/ncco/ncco/blob/main/docs/rules/";

    private const string Usage = "Usage";
    private const string Flow = "Flow";
    private const string Testing = "Testing";
    private const string Style = "Style";

    public static readonly DiagnosticDescriptor InvalidJson = Make("NCCO001", "NCCO JSON is not valid JSON",
        "{0}", Usage, DiagnosticSeverity.Warning,
        "The string is passed to an API that parses NCCO JSON (or is marked // lang=ncco), but it is not valid JSON, so parsing fails at run time.");

    public static readonly DiagnosticDescriptor UnknownAction = Make("NCCO002", "Unknown NCCO action",
        "{0}", Usage, DiagnosticSeverity.Warning,
        "The action name is not one the platform knows (record, conversation, connect, talk, stream, input, notify, wait, transfer). Action names are case-sensitive.");

    public static readonly DiagnosticDescriptor UnknownProperty = Make("NCCO003", "Unknown or misspelled NCCO property",
        "{0}", Usage, DiagnosticSeverity.Warning,
        "The property is not defined for this action or object. Property names are case-sensitive: bargein and eventurl are silently ignored by the platform, or rejected.");

    public static readonly DiagnosticDescriptor UrlNotArray = Make("NCCO004", "Webhook URL must be an array of one URL",
        "{0}", Usage, DiagnosticSeverity.Warning,
        "eventUrl, streamUrl and musicOnHoldUrl are arrays holding exactly one URL. A bare string is the most common NCCO mistake; the platform rejects the NCCO.");

    public static readonly DiagnosticDescriptor MissingRequired = Make("NCCO005", "Required NCCO property is missing",
        "{0}", Usage, DiagnosticSeverity.Warning,
        "The action or object lacks a property the platform requires (for example type on input, text on talk, endpoint on connect).");

    public static readonly DiagnosticDescriptor WrongType = Make("NCCO006", "NCCO value has the wrong type",
        "{0}", Usage, DiagnosticSeverity.Warning,
        "The value has the wrong JSON type for the property (for example a string where an array or a number is expected).");

    public static readonly DiagnosticDescriptor OutOfRange = Make("NCCO007", "NCCO value is out of range",
        "{0}", Usage, DiagnosticSeverity.Warning,
        "The number is outside the documented range of the property (for example input maxDigits 1 to 20, connect timeout 3 to 7200).");

    public static readonly DiagnosticDescriptor NotAllowed = Make("NCCO008", "NCCO value is not one of the allowed values",
        "{0}", Usage, DiagnosticSeverity.Warning,
        "The string is not one of the values the property accepts (for example eventMethod GET or POST, machineDetection continue or hangup). Values are case-sensitive.");

    public static readonly DiagnosticDescriptor BadFormat = Make("NCCO009", "NCCO value is malformed",
        "{0}", Usage, DiagnosticSeverity.Warning,
        "The string does not follow its syntax: an absolute http(s) URL, a ws(s) URI, an E.164 number without +, a SIP URI, DTMF digits or a supported language code.");

    public static readonly DiagnosticDescriptor Conflict = Make("NCCO010", "NCCO options conflict or depend on each other",
        "{0}", Usage, DiagnosticSeverity.Warning,
        "Some options cannot be combined (mute with canSpeak, from with randomFromNumber) and some need another option (channels needs split, dtmf settings need dtmf in type).");

    public static readonly DiagnosticDescriptor TalkStyle = Make("NCCO011", "Talk style does not exist for the language",
        "{0}", Usage, DiagnosticSeverity.Warning,
        "Each text-to-speech language has its own set of styles; some exist only as premium voices.");

    public static readonly DiagnosticDescriptor Length = Make("NCCO012", "NCCO value has the wrong length",
        "{0}", Usage, DiagnosticSeverity.Warning,
        "A string or array is too short or too long (empty names, talk text over 1500 characters, more than one URL in eventUrl).");

    public static readonly DiagnosticDescriptor Duplicate = Make("NCCO013", "NCCO property is given twice",
        "{0}", Usage, DiagnosticSeverity.Warning,
        "Two spellings of the same property (conversationId and conversation_id), or a repeated item where items must be distinct.");

    public static readonly DiagnosticDescriptor BargeInWithoutInput = Make("NCCO020", "bargeIn must be followed by input",
        "{0}", Flow, DiagnosticSeverity.Warning,
        "A talk or stream with bargeIn: true lets the NCCO move on while it plays; the next action that is not talk/stream must be input, which is what stops the audio.");

    public static readonly DiagnosticDescriptor Unreachable = Make("NCCO021", "Action after transfer is unreachable",
        "Action '{0}' is unreachable: transfer moves every leg into another conversation and ends this NCCO", Flow, DiagnosticSeverity.Warning,
        "transfer is terminal for the current NCCO: actions after it never run.");

    public static readonly DiagnosticDescriptor NoEventUrl = Make("NCCO022", "Action sends its result to the application's event URL",
        "'{0}' has no eventUrl: its result goes to the call's or the application's event URL, which must be configured", Flow, DiagnosticSeverity.Info,
        "Without eventUrl, input results (and notify payloads) go to the call's event_url or the application's event webhook. When neither is configured the result is lost.");

    public static readonly DiagnosticDescriptor Empty = Make("NCCO023", "NCCO is empty",
        "An NCCO needs at least one action", Flow, DiagnosticSeverity.Warning,
        "An empty NCCO is invalid: the platform rejects it and the call ends.");

    public static readonly DiagnosticDescriptor NotAwaited = Make("NCCO030", "Ncco.Testing expectation is not awaited",
        "The expectation '{0}' is not awaited, so the test does not wait for it and never fails when it is not met", Testing, DiagnosticSeverity.Warning,
        "Expectations of the virtual caller advance virtual time and fail the test through their Task. Without await the test passes whatever the call does.");

    public static readonly DiagnosticDescriptor UseBuilder = Make("NCCO040", "NCCO can be written with the typed builder",
        "This NCCO can be written with NccoBuilder", Style, DiagnosticSeverity.Hidden,
        "The typed builder checks names and values at compile time and validates the whole NCCO on Build().");

    /// <summary>Every descriptor, for the analyzers' SupportedDiagnostics and the documentation test.</summary>
    public static readonly DiagnosticDescriptor[] All =
    [
        InvalidJson, UnknownAction, UnknownProperty, UrlNotArray, MissingRequired, WrongType, OutOfRange, NotAllowed,
        BadFormat, Conflict, TalkStyle, Length, Duplicate, BargeInWithoutInput, Unreachable, NoEventUrl, Empty,
        NotAwaited, UseBuilder,
    ];

    private static DiagnosticDescriptor Make(string id, string title, string message, string category, DiagnosticSeverity severity, string description) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpBase + id + ".md");
}
