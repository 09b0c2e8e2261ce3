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
/// <remarks>
/// The builder's shape is read by convention, not from a table per verb, so a verb's builder method can change without
/// this file: a verb method is named after its verb (<c>Talk</c> → <c>talk</c>); a parameter, and a property of a
/// settings record passed as <c>new() { … }</c>, is named after its wire property ignoring case and separators
/// (<c>timeout</c> → <c>timeOut</c>, <c>BeepTimeout</c> → <c>beep_timeout</c>); an enum value is the allowed wire value
/// of the same name (<c>InputMode.Asynchronous</c> → <c>"asynchronous"</c>, a flags enum an array of them); a string
/// for an array property is its one item (<c>eventUrl</c>). A constant equal to the parameter's default is left out,
/// as the writer leaves it out. The exceptions are listed in <see cref="Renamed"/> and in the <c>record</c> split logic.
/// </remarks>
internal static class BuilderModel
{
    /// <summary>Builder parameters whose wire property has another name.</summary>
    private static readonly Dictionary<string, string> Renamed = new()
    {
        ["wait.seconds"] = "timeout",
    };

    /// <summary>Parameters left to other analyses: the endpoint is checked at its <c>CallEndpoint.*</c> factory call.</summary>
    private static readonly HashSet<string> Skipped = ["connect.endpoint"];

    /// <summary>The action a builder method adds (its name, lowercased, when the rule table knows it), or null (Create, Add, Custom, Build).</summary>
    public static string? ActionName(IMethodSymbol method)
    {
        var name = method.Name.ToLowerInvariant();
        return NccoRuleTable.FindAction(name) is null ? null : name;
    }

    /// <summary>The partial action for a builder call; members carry their <see cref="ArgumentSyntax"/> as tag.</summary>
    public static NNode? ReadAction(IInvocationOperation invocation, TextSpan nameSpan, Dictionary<TextSpan, string> parameterOfSpan)
    {
        var name = ActionName(invocation.TargetMethod);
        if (name is null) return null;
        var rule = NccoRuleTable.FindAction(name)!;
        var action = new NNode(NodeKind.Object, invocation.Syntax.Span) { Members = [], AnchorSpan = nameSpan };
        action.Members!.Add(new NMember("action", nameSpan, new NNode(NodeKind.String, nameSpan) { Text = name }));

        NNode? split = null;
        var channelsKnownAtMostOne = true;
        var splitPassed = false;

        foreach (var argument in invocation.Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.Explicit || argument.Parameter is not { } parameterSymbol) continue;
            var parameter = parameterSymbol.Name;
            if (Skipped.Contains(name + "." + parameter) || IsDefault(argument.Value, parameterSymbol)) continue;
            var syntax = (ArgumentSyntax)argument.Syntax;

            if (name == "record" && parameter == "splitConversation")
            {
                // A bool in C#, "split": "conversation" on the wire.
                var flag = Value(argument.Value);
                parameterOfSpan[flag.Span] = parameter;
                parameterOfSpan[syntax.Span] = parameter;
                splitPassed = true;
                if (flag.Kind == NodeKind.Boolean && flag.Known && !flag.Boolean) continue;
                split = flag.Known ? new NNode(NodeKind.String, flag.Span) { Text = "conversation" } : new NNode(NodeKind.String, flag.Span) { Known = false };
                action.Members.Add(Member("split", syntax, split));
                continue;
            }

            var property = Property(rule, name, parameter);
            if (property is null) continue;
            var value = WireValue(argument.Value, property, parameter, parameterOfSpan);
            if (value is null || value.Kind == NodeKind.Null) continue; // null means "not set" for the builder
            parameterOfSpan[value.Span] = parameter;
            parameterOfSpan[syntax.Span] = parameter;
            if (name == "record" && parameter == "channels" && (!value.Known || value.Number > 1)) channelsKnownAtMostOne = false;
            action.Members.Add(Member(property.Name, syntax, value));
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

    /// <summary>The wire property a builder parameter or settings property sets: same name ignoring case and separators.</summary>
    private static PropertyRule? Property(ObjectRule rule, string owner, string name) =>
        Renamed.TryGetValue(owner + "." + name, out var wire) ? rule.Find(wire) : rule.FindSimilar(name);

    /// <summary>Whether an argument is the constant its parameter defaults to (the writer leaves such values out).</summary>
    private static bool IsDefault(IOperation value, IParameterSymbol parameter) =>
        parameter.HasExplicitDefaultValue && value.ConstantValue.HasValue && value.ConstantValue.Value is { } constant
        && Equals(constant, parameter.ExplicitDefaultValue);

    /// <summary>A C# value as the wire value of <paramref name="property"/>, or null when nothing can be said.</summary>
    private static NNode? WireValue(IOperation operation, PropertyRule property, string path, Dictionary<TextSpan, string> parameterOfSpan)
    {
        var source = Unwrap(operation);
        var type = source.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : source.Type;
        if (source.ConstantValue is { HasValue: true, Value: null }) return new NNode(NodeKind.Null, operation.Syntax.Span);

        if (property.Kind == ValueKind.Object)
        {
            // A settings record passed as new() { … }; anything else (a variable, a with-expression) is not guessed.
            return property.ObjectRef is { } reference && NccoRuleTable.FindSettings(reference) is { } settings && source is IObjectCreationOperation creation
                ? Settings(creation, settings, path, parameterOfSpan)
                : null;
        }
        if (type is { TypeKind: TypeKind.Enum } enumType)
        {
            return property.Kind == ValueKind.Array ? Flags(source, enumType, property) : EnumName(source, enumType, property);
        }
        if (property.Kind == ValueKind.Array)
        {
            // A string is the one item of a URL array (eventUrl, streamUrl, speech uuid); other collections are not read.
            if (type?.SpecialType == SpecialType.System_String) return new NNode(NodeKind.Array, source.Syntax.Span) { Items = [Value(source)] };
            if (UriText(source) is { } uri) return new NNode(NodeKind.Array, source.Syntax.Span) { Items = [uri] };
            return new NNode(NodeKind.Array, source.Syntax.Span) { Items = null };
        }
        if (type?.SpecialType == SpecialType.System_Char)
        {
            return source.ConstantValue is { HasValue: true, Value: char c }
                ? new NNode(NodeKind.String, source.Syntax.Span) { Text = c.ToString(), Tag = source.Syntax }
                : new NNode(NodeKind.String, source.Syntax.Span) { Known = false, Tag = source.Syntax };
        }
        return UriText(source) ?? Value(operation);
    }

    /// <summary>The members of <c>new DtmfSettings { MaxDigits = 1 }</c>, each at its assignment.</summary>
    private static NNode Settings(IObjectCreationOperation creation, ObjectRule rule, string path, Dictionary<TextSpan, string> parameterOfSpan)
    {
        var node = new NNode(NodeKind.Object, creation.Syntax.Span) { Members = [], Tag = creation.Syntax };
        if (creation.Initializer is null) return node;
        foreach (var initializer in creation.Initializer.Initializers)
        {
            if (initializer is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment) continue;
            var name = target.Property.Name;
            var property = Property(rule, rule.Name, name);
            if (property is null) continue;
            var memberPath = path + "." + name;
            var value = WireValue(assignment.Value, property, memberPath, parameterOfSpan);
            if (value is null || value.Kind == NodeKind.Null) continue;
            parameterOfSpan[value.Span] = memberPath;
            parameterOfSpan[assignment.Syntax.Span] = memberPath;
            node.Members!.Add(new NMember(property.Name, assignment.Syntax.Span, value) { Tag = assignment.Syntax });
        }
        return node;
    }

    /// <summary>An enum value as the allowed wire value of the same name (<c>DetectBeep</c> → <c>detect_beep</c>).</summary>
    private static NNode EnumName(IOperation value, ITypeSymbol enumType, PropertyRule property)
    {
        var span = value.Syntax.Span;
        if (!value.ConstantValue.HasValue || Member(enumType, value.ConstantValue.Value) is not { } member) return new NNode(NodeKind.String, span) { Known = false, Tag = value.Syntax };
        return new NNode(NodeKind.String, span) { Text = WireName(member, property), Tag = value.Syntax };
    }

    /// <summary>A flags enum as the array of its set members' wire values (<c>InputTypes.Dtmf | InputTypes.Speech</c>).</summary>
    private static NNode Flags(IOperation value, ITypeSymbol enumType, PropertyRule property)
    {
        var span = value.Syntax.Span;
        if (!value.ConstantValue.HasValue || value.ConstantValue.Value is null) return new NNode(NodeKind.Array, span) { Items = null };
        var bits = Convert.ToInt64(value.ConstantValue.Value, CultureInfo.InvariantCulture);
        var items = new List<NNode>();
        foreach (var field in enumType.GetMembers().OfType<IFieldSymbol>())
        {
            if (!field.HasConstantValue || field.ConstantValue is null) continue;
            var flag = Convert.ToInt64(field.ConstantValue, CultureInfo.InvariantCulture);
            if (flag != 0 && (bits & flag) == flag) items.Add(new NNode(NodeKind.String, span) { Text = WireName(field.Name, property) });
        }
        return new NNode(NodeKind.Array, span) { Items = items };
    }

    private static string? Member(ITypeSymbol enumType, object? constant)
    {
        foreach (var field in enumType.GetMembers().OfType<IFieldSymbol>())
        {
            if (field.HasConstantValue && Equals(field.ConstantValue, constant)) return field.Name;
        }
        return null;
    }

    private static string WireName(string member, PropertyRule property)
    {
        var wanted = Normalize(member);
        foreach (var allowed in property.AllowedValues ?? [])
        {
            if (Normalize(allowed) == wanted) return allowed;
        }
        return member.ToLowerInvariant();
    }

    private static string Normalize(string name) => name.Replace("_", string.Empty).Replace("-", string.Empty).ToLowerInvariant();

    /// <summary><c>new Uri("…")</c> as the string it holds.</summary>
    private static NNode? UriText(IOperation operation) =>
        operation is IObjectCreationOperation { Constructor.ContainingType.Name: "Uri", Arguments.Length: >= 1 } creation
        && creation.Constructor.ContainingType.ContainingNamespace?.ToDisplayString() == "System"
        && creation.Arguments[0].Value.Type?.SpecialType == SpecialType.System_String
            ? Value(creation.Arguments[0].Value)
            : null;

    private static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion) operation = conversion.Operand;
        return operation;
    }

    private static NMember Member(string name, ArgumentSyntax syntax, NNode value) => new(name, syntax.Span, value) { Tag = syntax };

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
