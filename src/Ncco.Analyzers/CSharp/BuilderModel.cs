using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using Ncco.Analyzers.Model;
using Ncco.Rules;

namespace Ncco.Analyzers.CSharp;

/// <summary>
/// Reads a call of the typed builder (<c>NccoBuilder.Talk(…)</c>, <c>CallEndpoint.Phone(…)</c>) as the partial action or
/// endpoint it will write: explicitly passed arguments become members named as on the wire, constants keep their
/// values, the rest only their kind. The rule table then checks it like any other NCCO.
/// </summary>
internal static class BuilderModel
{
    /// <summary>Builder parameter → wire name for parameters that map one to one.</summary>
    private static readonly Dictionary<string, string> SpeechParameters = new()
    {
        ["speechLanguage"] = "language", ["endOnSilence"] = "endOnSilence", ["startTimeout"] = "startTimeout",
        ["maxDuration"] = "maxDuration", ["saveAudio"] = "saveAudio", ["sensitivity"] = "sensitivity", ["context"] = "context",
    };

    private static readonly HashSet<string> DtmfParameters = ["timeOut", "maxDigits", "submitOnHash"];
    private static readonly HashSet<string> UrlParameters = ["streamUrl", "eventUrl", "musicOnHoldUrl"];
    private static readonly HashSet<string> Skipped = ["eventMethod", "payload", "endpoint", "advancedMachineDetection", "machineDetection", "transcription", "format", "headers"];

    /// <summary>The action a builder method adds, or null for other methods (Create, Add, Build).</summary>
    public static string? ActionName(IMethodSymbol method) => method.Name switch
    {
        "Talk" => "talk",
        "Stream" => "stream",
        "Input" => "input",
        "Record" => "record",
        "Conversation" => "conversation",
        "Connect" => "connect",
        "Notify" => "notify",
        "Wait" => "wait",
        "Transfer" => "transfer",
        _ => null,
    };

    /// <summary>The partial action for a builder call; members carry their <see cref="ArgumentSyntax"/> as tag.</summary>
    public static NNode? ReadAction(IInvocationOperation invocation, TextSpan nameSpan, Dictionary<TextSpan, string> parameterOfSpan)
    {
        var name = ActionName(invocation.TargetMethod);
        if (name is null) return null;
        var action = new NNode(NodeKind.Object, invocation.Syntax.Span) { Members = [], AnchorSpan = nameSpan };
        action.Members!.Add(new NMember("action", nameSpan, new NNode(NodeKind.String, nameSpan) { Text = name }));

        NNode? dtmf = null, speech = null;
        NNode? split = null;
        var channelsKnownAtMostOne = true;
        var splitPassed = false;

        foreach (var argument in invocation.Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.Explicit || argument.Parameter is null) continue;
            var parameter = argument.Parameter.Name;
            if (Skipped.Contains(parameter)) continue;
            var syntax = (ArgumentSyntax)argument.Syntax;
            var value = Value(argument.Value);
            if (value.Kind == NodeKind.Null) continue; // null means "not set" for the builder
            parameterOfSpan[value.Span] = parameter;
            parameterOfSpan[syntax.Span] = parameter;

            if (name == "input" && DtmfParameters.Contains(parameter))
            {
                dtmf ??= Settings(action, "dtmf", syntax);
                dtmf.Members!.Add(Member(parameter, syntax, value));
                continue;
            }
            if (name == "input" && SpeechParameters.TryGetValue(parameter, out var speechName))
            {
                speech ??= Settings(action, "speech", syntax);
                speech.Members!.Add(Member(speechName, syntax, parameter == "context" ? new NNode(NodeKind.Array, value.Span) { Items = null } : value));
                continue;
            }
            switch (parameter)
            {
                case "type" when name == "input":
                    action.Members.Add(Member("type", syntax, InputTypes(value)));
                    continue;
                case "mode" when name == "input":
                    action.Members.Add(Member("mode", syntax, EnumName(value, "synchronous", "asynchronous")));
                    continue;
                case "seconds" when name == "wait":
                    action.Members.Add(Member("timeout", syntax, value));
                    continue;
                case "synchronousEvents":
                    if (value.Kind == NodeKind.Boolean && value.Known && value.Boolean) action.Members.Add(Member("eventType", syntax, new NNode(NodeKind.String, value.Span) { Text = "synchronous" }));
                    continue;
                case "endOnKey":
                    action.Members.Add(Member("endOnKey", syntax, value.Kind == NodeKind.Number && value.Known
                        ? new NNode(NodeKind.String, value.Span) { Text = ((char)(int)value.Number).ToString() }
                        : new NNode(NodeKind.String, value.Span) { Known = false }));
                    continue;
                case "splitConversation":
                    splitPassed = true;
                    if (value.Kind == NodeKind.Boolean && value.Known && !value.Boolean) continue;
                    split = value.Known ? new NNode(NodeKind.String, value.Span) { Text = "conversation" } : new NNode(NodeKind.String, value.Span) { Known = false };
                    action.Members.Add(Member("split", syntax, split));
                    continue;
                case "channels":
                    if (!value.Known || value.Number > 1) channelsKnownAtMostOne = false;
                    action.Members.Add(Member("channels", syntax, value));
                    continue;
                case "name" when name == "conversation":
                case "conversationId":
                    action.Members.Add(Member(parameter, syntax, value));
                    continue;
            }
            if (UrlParameters.Contains(parameter))
            {
                action.Members.Add(Member(parameter, syntax, new NNode(NodeKind.Array, value.Span) { Items = [value] }));
                continue;
            }
            if (parameter is "canSpeak" or "canHear")
            {
                action.Members.Add(Member(parameter, syntax, new NNode(NodeKind.Array, value.Span) { Items = null }));
                continue;
            }
            action.Members.Add(Member(parameter, syntax, value));
        }

        if (name == "record")
        {
            // The builder sets split itself when channels > 1; with channels known to be at most 1 and no split, it is absent for sure.
            if (split is null && !channelsKnownAtMostOne)
            {
                action.Members.Add(new NMember("split", action.AnchorSpan, new NNode(NodeKind.String, action.AnchorSpan) { Known = false }));
            }
            else if (split is null && channelsKnownAtMostOne && !splitPassed)
            {
                action.Tag = "complete";
            }
        }
        return action;
    }

    /// <summary>The partial endpoint for an <c>Endpoint.Phone/Sip/WebSocket/App/Vbc</c> call, and its type.</summary>
    public static (NNode Node, string Type)? ReadEndpoint(IInvocationOperation invocation, Dictionary<TextSpan, string> parameterOfSpan)
    {
        var type = invocation.TargetMethod.Name switch
        {
            "Phone" => "phone",
            "App" => "app",
            "Sip" => "sip",
            "WebSocket" => "websocket",
            "Vbc" => "vbc",
            _ => null,
        };
        if (type is null) return null;
        var node = new NNode(NodeKind.Object, invocation.Syntax.Span) { Members = [] };
        foreach (var argument in invocation.Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.Explicit || argument.Parameter is null) continue;
            var parameter = argument.Parameter.Name;
            if (parameter == "headers") continue;
            var syntax = (ArgumentSyntax)argument.Syntax;
            var value = Value(argument.Value);
            if (value.Kind == NodeKind.Null) continue;
            parameterOfSpan[value.Span] = parameter;
            parameterOfSpan[syntax.Span] = parameter;
            if (parameter == "sampleRate")
            {
                node.Members!.Add(Member("content-type", syntax, value.Known
                    ? new NNode(NodeKind.String, value.Span) { Text = "audio/l16;rate=" + value.Number.ToString(CultureInfo.InvariantCulture) }
                    : new NNode(NodeKind.String, value.Span) { Known = false }));
                continue;
            }
            node.Members!.Add(Member(parameter, syntax, value));
        }
        return (node, type);
    }

    private static NNode Settings(NNode action, string name, ArgumentSyntax first)
    {
        var settings = new NNode(NodeKind.Object, first.Span) { Members = [] };
        action.Members!.Add(new NMember(name, first.Span, settings) { Tag = first });
        return settings;
    }

    private static NMember Member(string name, ArgumentSyntax syntax, NNode value) => new(name, syntax.Span, value) { Tag = syntax };

    private static NNode InputTypes(NNode flags)
    {
        if (!flags.Known || flags.Kind != NodeKind.Number) return new NNode(NodeKind.Array, flags.Span) { Items = null };
        var bits = (int)flags.Number;
        var items = new List<NNode>();
        if ((bits & 1) != 0) items.Add(new NNode(NodeKind.String, flags.Span) { Text = "dtmf" });
        if ((bits & 2) != 0) items.Add(new NNode(NodeKind.String, flags.Span) { Text = "speech" });
        return new NNode(NodeKind.Array, flags.Span) { Items = items };
    }

    private static NNode EnumName(NNode value, params string[] names)
    {
        if (!value.Known || value.Kind != NodeKind.Number) return new NNode(NodeKind.String, value.Span) { Known = false };
        var index = (int)value.Number;
        return index >= 0 && index < names.Length
            ? new NNode(NodeKind.String, value.Span) { Text = names[index] }
            : new NNode(NodeKind.String, value.Span) { Known = false };
    }

    /// <summary>A C# argument value as the wire value it becomes.</summary>
    public static NNode Value(IOperation operation)
    {
        // 20 passed to an int? parameter is a conversion, not a constant; its operand is.
        while (!operation.ConstantValue.HasValue && operation is IConversionOperation { IsImplicit: true } conversion && conversion.Operand.ConstantValue.HasValue)
        {
            operation = conversion.Operand;
        }
        var syntax = operation.Syntax;
        var span = syntax.Span;
        if (operation.ConstantValue.HasValue)
        {
            var constant = operation.ConstantValue.Value;
            return constant switch
            {
                null => new NNode(NodeKind.Null, span) { Tag = syntax },
                string s => new NNode(NodeKind.String, span) { Text = s, Tag = syntax },
                char c => new NNode(NodeKind.Number, span) { Number = c, Text = ((int)c).ToString(CultureInfo.InvariantCulture), Tag = syntax },
                bool b => new NNode(NodeKind.Boolean, span) { Boolean = b, Text = b ? "true" : "false", Tag = syntax },
                IConvertible convertible => Number(convertible.ToDouble(CultureInfo.InvariantCulture), span, syntax),
                _ => NNode.Unknown(span),
            };
        }
        var type = operation.Type;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable) type = nullable.TypeArguments[0];
        return type?.SpecialType switch
        {
            SpecialType.System_String => new NNode(NodeKind.String, span) { Known = false, Tag = syntax },
            SpecialType.System_Boolean => new NNode(NodeKind.Boolean, span) { Known = false, Tag = syntax },
            SpecialType.System_Int32 or SpecialType.System_Double or SpecialType.System_Char => new NNode(NodeKind.Number, span) { Known = false, Tag = syntax },
            _ => new NNode(NodeKind.Unknown, span) { Known = false, Tag = syntax },
        };
    }

    private static NNode Number(double value, TextSpan span, SyntaxNode syntax) =>
        new(NodeKind.Number, span) { Number = value, Text = value.ToString("R", CultureInfo.InvariantCulture), Tag = syntax };
}
