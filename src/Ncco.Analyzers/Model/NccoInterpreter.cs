using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Ncco.Rules;

namespace Ncco.Analyzers.Model;

/// <summary>How strictly to read a value tree.</summary>
internal sealed class InterpreterOptions
{
    public static readonly InterpreterOptions Document = new(partial: false, lint: true, customActions: []);

    public InterpreterOptions(bool partial, bool lint, string[] customActions)
    {
        Partial = partial;
        Lint = lint;
        CustomActions = customActions;
    }

    /// <summary>
    /// The tree holds only some members (made up from constant builder arguments): missing members are not errors
    /// and unknown-property checks are off.
    /// </summary>
    public bool Partial { get; }

    /// <summary>Also report the analyzer-only flow hints (unreachable after transfer, no eventUrl).</summary>
    public bool Lint { get; }

    /// <summary>Custom action names accepted without checks (<c>ncco_custom_actions</c> in .editorconfig).</summary>
    public string[] CustomActions { get; }
}

/// <summary>
/// Interprets <see cref="NccoRuleTable"/> over a <see cref="NNode"/> tree. A line-by-line port of the runtime's
/// <c>NccoValidator</c> (which interprets the same table over <c>JsonElement</c>): same checks, same order, same
/// messages, so the IDE and the runtime never disagree. Values that are not known at compile time are checked
/// for their kind only.
/// </summary>
internal sealed class NccoInterpreter
{
    private readonly List<Finding> _findings = [];
    private readonly InterpreterOptions _options;

    private NccoInterpreter(InterpreterOptions options) => _options = options;

    /// <summary>Validates a whole NCCO document.</summary>
    public static List<Finding> ValidateDocument(NNode ncco, InterpreterOptions options)
    {
        var interpreter = new NccoInterpreter(options);
        interpreter.Document(ncco);
        return interpreter._findings;
    }

    /// <summary>Validates one action object (the builder's made-up actions).</summary>
    public static List<Finding> ValidateAction(NNode action, InterpreterOptions options, string pointer = "")
    {
        var interpreter = new NccoInterpreter(options);
        interpreter.Action(action, pointer);
        return interpreter._findings;
    }

    /// <summary>Validates one object against a named rule (the builder's endpoints).</summary>
    public static List<Finding> ValidateObject(NNode value, ObjectRule rule, InterpreterOptions options, string pointer = "")
    {
        var interpreter = new NccoInterpreter(options);
        interpreter.Object(value, rule, pointer, value.AnchorSpan);
        return interpreter._findings;
    }

    private void Add(DiagnosticDescriptor descriptor, TextSpan span, string pointer, string message, FixRequest? fix = null) =>
        _findings.Add(new Finding(descriptor, span, pointer, message, fix));

    private void Document(NNode ncco)
    {
        if (ncco.Kind == NKind.Unknown) return;
        if (ncco.Kind != NKind.Array)
        {
            Add(Descriptors.WrongType, ncco.AnchorSpan, string.Empty,
                ncco.Kind == NKind.Object
                    ? "an NCCO must be a JSON array of actions; wrap this action in [ ]"
                    : "an NCCO must be a JSON array of actions, got " + Describe(ncco));
            return;
        }
        if (ncco.Items is null) return;

        var bargeIn = new BargeInTracker(this);
        string? terminal = null;
        for (var index = 0; index < ncco.Items.Count; index++)
        {
            var action = ncco.Items[index];
            var pointer = Pointer(string.Empty, index);
            var name = Action(action, pointer);
            bargeIn.Next(action, name, pointer);
            if (_options.Lint)
            {
                if (terminal is not null && action.Kind != NKind.Unknown)
                {
                    _findings.Add(new Finding(Descriptors.Unreachable, ActionAnchor(action), pointer, name ?? "(unnamed)"));
                }
                if (name == "transfer") terminal = pointer;
                if (name == "input" && action.Members is not null && action.Member("eventUrl") is null)
                {
                    _findings.Add(new Finding(Descriptors.NoEventUrl, ActionAnchor(action), pointer, name));
                }
            }
        }

        if (ncco.Items.Count == 0)
        {
            Add(Descriptors.Empty, ncco.Span, string.Empty, "an NCCO needs at least one action");
        }
        bargeIn.End();
    }

    private static TextSpan ActionAnchor(NNode action) =>
        action.Member("action") is { } member ? member.Value.Span : action.AnchorSpan;

    /// <summary>Validates one action and returns its name (null when it has none).</summary>
    private string? Action(NNode action, string pointer)
    {
        if (action.Kind == NKind.Unknown) return null;
        if (action.Kind != NKind.Object)
        {
            Add(Descriptors.WrongType, action.AnchorSpan, pointer, "each action must be a JSON object, got " + Describe(action));
            return null;
        }
        if (action.Members is null) return null;
        var nameMember = action.Member("action");
        if (nameMember is null)
        {
            Add(Descriptors.MissingRequired, action.AnchorSpan, pointer,
                "the action has no \"action\" name (one of " + string.Join(", ", NccoRuleTable.ActionNames) + ")");
            return null;
        }
        var nameElement = nameMember.Value;
        if (nameElement.Kind != NKind.String)
        {
            if (nameElement.Kind != NKind.Unknown)
            {
                Add(Descriptors.WrongType, nameElement.Span, Pointer(pointer, "action"), "the action name must be a string, got " + Describe(nameElement));
            }
            return null;
        }
        if (!nameElement.Known) return null;

        var name = nameElement.Text!;
        var rule = NccoRuleTable.FindAction(name);
        if (rule is null)
        {
            if (System.Array.IndexOf(_options.CustomActions, name) >= 0) return name;
            var hint = NccoRuleTable.ActionNames.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            Add(Descriptors.UnknownAction, nameElement.Span, Pointer(pointer, "action"),
                $"unknown action \"{name}\"" + (hint is null ? "; expected one of " + string.Join(", ", NccoRuleTable.ActionNames) : $"; did you mean \"{hint}\"? (action names are case-sensitive)"));
            return name;
        }

        Object(action, rule, pointer, nameElement.Span);
        return name;
    }

    private void Object(NNode element, ObjectRule rule, string pointer, TextSpan anchor)
    {
        if (element.Members is null) return;
        var properties = rule.Properties;
        var seen = new bool[properties.Length];

        foreach (var member in element.Members)
        {
            var index = IndexOf(rule, member.Name);
            if (index < 0)
            {
                if (!_options.Partial) ReportUnknown(rule, member, pointer);
                continue;
            }
            var property = properties[index];
            var memberPointer = Pointer(pointer, member.Name);
            if (seen[index])
            {
                Add(Descriptors.Duplicate, member.NameSpan, memberPointer,
                    $"\"{member.Name}\" repeats \"{property.Name}\" (accepted spellings: {string.Join(", ", property.AllNames())}); give it once");
                continue;
            }
            seen[index] = true;
            Value(member.Value, property, memberPointer, member);
        }

        if (!_options.Partial)
        {
            for (var i = 0; i < properties.Length; i++)
            {
                if (properties[i].Required && !seen[i])
                {
                    var fix = rule.Name == "input" && properties[i].Name == "type" ? new FixRequest(FixKind.AddInputType, element, items: GuessInputType(element)) : null;
                    Add(Descriptors.MissingRequired, anchor, pointer, $"\"{properties[i].Name}\" is required: {RuleText.Lower(properties[i].Description)}", fix);
                }
            }
        }

        foreach (var crossRule in rule.CrossFieldRules)
        {
            CrossField(element, rule, crossRule, pointer, anchor);
        }
    }

    private static string[] GuessInputType(NNode input)
    {
        var dtmf = input.Member("dtmf") is not null;
        var speech = input.Member("speech") is not null;
        return dtmf && speech ? ["dtmf", "speech"] : speech ? ["speech"] : ["dtmf"];
    }

    private static int IndexOf(ObjectRule rule, string name)
    {
        var properties = rule.Properties;
        for (var i = 0; i < properties.Length; i++)
        {
            if (properties[i].Name == name) return i;
            foreach (var alias in properties[i].Aliases)
            {
                if (alias == name) return i;
            }
        }
        return -1;
    }

    private void ReportUnknown(ObjectRule rule, NMember member, string pointer)
    {
        var name = member.Name;
        var similar = rule.FindSimilar(name);
        var where = rule.Name.StartsWith("endpoint.", StringComparison.Ordinal)
            ? $"a {rule.Name.Substring("endpoint.".Length)} endpoint"
            : NccoRuleTable.FindAction(rule.Name) is not null ? $"the {rule.Name} action" : rule.Name;
        Add(Descriptors.UnknownProperty, member.NameSpan, Pointer(pointer, name),
            similar is not null
                ? $"unknown property \"{name}\" on {where}; did you mean \"{similar.Name}\"? (property names are case-sensitive)"
                : $"unknown property \"{name}\" on {where}; expected one of " + string.Join(", ", rule.Properties.Select(p => p.Name)),
            similar is not null ? new FixRequest(FixKind.Rename, member: member, text: similar.Name) : null);
    }

    private void Value(NNode value, PropertyRule rule, string pointer, NMember? member)
    {
        if (value.Kind == NKind.Unknown) return;
        switch (rule.Kind)
        {
            case ValueKind.String:
                if (value.Kind != NKind.String)
                {
                    Add(Descriptors.WrongType, value.Span, pointer, $"must be a string, got {Describe(value)}");
                    return;
                }
                if (value.Known) StringValue(value.Text!, rule, pointer, value.Span);
                return;

            case ValueKind.Integer:
                if (!TryGetInteger(value, out var integer, out var knownInteger))
                {
                    Add(Descriptors.WrongType, value.Span, pointer, $"must be a whole number{RuleText.Range(rule)}, got {Describe(value)}");
                    return;
                }
                if (knownInteger) CheckRange(integer, rule, pointer, value.Span);
                return;

            case ValueKind.Number:
                if (!TryGetNumber(value, out var number, out var knownNumber))
                {
                    Add(Descriptors.WrongType, value.Span, pointer, $"must be a number{RuleText.Range(rule)}, got {Describe(value)}");
                    return;
                }
                if (knownNumber) CheckRange(number, rule, pointer, value.Span);
                return;

            case ValueKind.Boolean:
                if (TryGetBoolean(value) == Tri.Invalid)
                {
                    Add(Descriptors.WrongType, value.Span, pointer, $"must be true or false, got {Describe(value)}");
                }
                return;

            case ValueKind.Object:
                if (value.Kind != NKind.Object)
                {
                    Add(Descriptors.WrongType, value.Span, pointer, $"must be a JSON object, got {Describe(value)}");
                    return;
                }
                ObjectValue(value, rule, pointer, member);
                return;

            case ValueKind.Array:
                ArrayValue(value, rule, pointer);
                return;
        }
    }

    private void ObjectValue(NNode value, PropertyRule rule, string pointer, NMember? member)
    {
        if (value.Members is null) return;
        if (rule.ObjectRef is { } reference)
        {
            Object(value, NccoRuleTable.FindSettings(reference)!, pointer, member?.NameSpan ?? value.AnchorSpan);
            return;
        }
        if (rule.StringValuesOnly)
        {
            foreach (var item in value.Members)
            {
                if (item.Value.Kind != NKind.String && item.Value.Kind != NKind.Unknown)
                {
                    Add(Descriptors.WrongType, item.Value.Span, Pointer(pointer, item.Name), $"header values must be strings, got {Describe(item.Value)}");
                }
            }
        }
        if (rule.MaxLength is { } maxBytes && value.RawJson is { } rawJson)
        {
            var size = Encoding.UTF8.GetByteCount(rawJson);
            if (size > maxBytes)
            {
                Add(Descriptors.Length, value.Span, pointer, $"must be at most {maxBytes} bytes of JSON, got {size}");
            }
        }
    }

    private void ArrayValue(NNode value, PropertyRule rule, string pointer)
    {
        if (value.Kind != NKind.Array)
        {
            if (rule.Format == ValueFormat.HttpUrl && value.Kind == NKind.String)
            {
                var like = value.Known ? $"like [\"{Truncate(value.Text!)}\"], " : string.Empty;
                Add(Descriptors.UrlNotArray, value.Span, pointer, $"must be an array holding one URL, {like}not a bare string", new FixRequest(FixKind.WrapInArray, value));
                return;
            }
            var message = rule.ObjectRef == "endpoint" && value.Kind == NKind.Object
                ? "must be an array holding one endpoint object; wrap the object in [ ]"
                : rule.Items == ValueKind.String && value.Kind == NKind.String
                    ? $"must be an array of strings, like [{RawString(value)}], not a bare string"
                    : $"must be an array, got {Describe(value)}";
            Add(Descriptors.WrongType, value.Span, pointer, message,
                rule.Items == ValueKind.String && value.Kind == NKind.String || rule.ObjectRef == "endpoint" && value.Kind == NKind.Object
                    ? new FixRequest(FixKind.WrapInArray, value)
                    : null);
            return;
        }
        if (value.Items is null) return;

        var count = value.Items.Count;
        if (rule.MinLength is { } min && count < min || rule.MaxLength is { } max && count > max)
        {
            Add(Descriptors.Length, value.Span, pointer, $"must hold {RuleText.Count(rule)}, got {count}");
        }

        for (var index = 0; index < value.Items.Count; index++)
        {
            var item = value.Items[index];
            var itemPointer = Pointer(pointer, index);
            if (item.Kind == NKind.Unknown) continue;
            if (rule.Items == ValueKind.String)
            {
                if (item.Kind != NKind.String)
                {
                    Add(Descriptors.WrongType, item.Span, itemPointer, $"must be a string, got {Describe(item)}");
                }
                else if (item.Known)
                {
                    StringValue(item.Text!, rule, itemPointer, item.Span);
                    if (rule.UniqueItems && IndexOfString(value, item.Text!, index) is { } first)
                    {
                        Add(Descriptors.Duplicate, item.Span, itemPointer, $"repeats item {first}; items must be distinct");
                    }
                }
            }
            else if (rule.ObjectRef == "endpoint")
            {
                Endpoint(item, itemPointer);
            }
        }
    }

    private static int? IndexOfString(NNode array, string text, int before)
    {
        for (var i = 0; i < before; i++)
        {
            var other = array.Items![i];
            if (other.Kind == NKind.String && other.Known && other.Text == text) return i;
        }
        return null;
    }

    private void Endpoint(NNode endpoint, string pointer)
    {
        if (endpoint.Kind != NKind.Object)
        {
            Add(Descriptors.WrongType, endpoint.Span, pointer, "an endpoint must be a JSON object, got " + Describe(endpoint));
            return;
        }
        if (endpoint.Members is null) return;
        var typeMember = endpoint.Member("type");
        if (typeMember is null)
        {
            Add(Descriptors.MissingRequired, endpoint.AnchorSpan, pointer, "\"type\" is required: the endpoint type, one of " + string.Join(", ", NccoRuleTable.EndpointTypeNames));
            return;
        }
        var type = typeMember.Value;
        if (type.Kind == NKind.Unknown || type.Kind == NKind.String && !type.Known) return;
        var rule = type.Kind == NKind.String ? NccoRuleTable.FindEndpoint(type.Text!) : null;
        if (rule is null)
        {
            Add(Descriptors.NotAllowed, type.Span, Pointer(pointer, "type"),
                $"unknown endpoint type {Describe(type)}; expected one of " + string.Join(", ", NccoRuleTable.EndpointTypeNames));
            return;
        }
        Object(endpoint, rule, pointer, type.Span);
    }

    private void StringValue(string text, PropertyRule rule, string pointer, TextSpan span)
    {
        if (rule.AllowedValues is { } allowed && System.Array.IndexOf(allowed, text) < 0)
        {
            var similar = allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
            Add(Descriptors.NotAllowed, span, pointer,
                similar is not null
                    ? $"\"{text}\" is not allowed; did you mean \"{similar}\"? (values are case-sensitive)"
                    : allowed.Length == 1 ? $"must be \"{allowed[0]}\", got \"{text}\"" : $"must be one of {string.Join(", ", allowed)}; got \"{text}\"");
            return;
        }
        if (rule.Kind == ValueKind.String)
        {
            if (rule.MinLength is { } min && text.Length < min)
            {
                Add(Descriptors.Length, span, pointer, min == 1 ? "must not be empty" : $"must be at least {min} characters");
                return;
            }
            if (rule.MaxLength is { } max && text.Length > max)
            {
                Add(Descriptors.Length, span, pointer, $"must be at most {max} characters, got {text.Length}");
                return;
            }
        }
        if (rule.Format != ValueFormat.None && FormatChecks.Check(rule.Format, text) is { } problem)
        {
            Add(rule.Format == ValueFormat.TalkText ? Descriptors.Length : Descriptors.BadFormat, span, pointer, problem);
        }
    }

    private void CheckRange(double value, PropertyRule rule, string pointer, TextSpan span)
    {
        if (rule.Minimum is { } min && value < min || rule.Maximum is { } max && value > max)
        {
            Add(Descriptors.OutOfRange, span, pointer, $"must be {RuleText.Bounds(rule)}, got {value.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private void CrossField(NNode element, ObjectRule objectRule, CrossFieldRule rule, string pointer, TextSpan anchor)
    {
        var firstRule = objectRule.Find(rule.First)!;
        var secondRule = objectRule.Find(rule.Second)!;
        var first = TryGet(element, firstRule);
        var second = TryGet(element, secondRule);
        var firstName = first?.Name ?? firstRule.Name;
        var secondName = second?.Name ?? secondRule.Name;
        // A member whose value is not known at all might be null at run time; only a known presence counts.
        var hasFirst = first is not null;
        var hasSecond = second is not null;

        switch (rule.Kind)
        {
            case CrossFieldKind.Conflict:
                if (hasFirst && hasSecond && (rule.Value is null || EqualsRuleValue(first!.Value, rule.Value) == Tri.True))
                {
                    Add(Descriptors.Conflict, first!.NameSpan, Pointer(pointer, firstName), rule.Message, new FixRequest(FixKind.Remove, member: first));
                }
                break;

            case CrossFieldKind.Requires:
                if (hasFirst && (!hasSecond && !_options.Partial || hasSecond && rule.Value is not null && EqualsRuleValue(second!.Value, rule.Value) == Tri.False))
                {
                    Add(Descriptors.Conflict, first!.NameSpan, Pointer(pointer, firstName), rule.Message);
                }
                else if (hasFirst && !hasSecond && _options.Partial && PartialRequiresMissing(element))
                {
                    Add(Descriptors.Conflict, first!.NameSpan, Pointer(pointer, firstName), rule.Message);
                }
                break;

            case CrossFieldKind.RequiredWhen:
                if (hasFirst && !hasSecond && !_options.Partial && EqualsRuleValue(first!.Value, rule.Value!) == Tri.True)
                {
                    Add(Descriptors.Conflict, first.NameSpan, Pointer(pointer, firstName), rule.Message);
                }
                break;

            case CrossFieldKind.RequiresItem:
                if (hasFirst && hasSecond && second!.Value.Kind == NKind.Array && second.Value.Items is not null && !Contains(second.Value, rule.Value!))
                {
                    Add(Descriptors.Conflict, first!.NameSpan, Pointer(pointer, firstName), rule.Message);
                }
                break;

            case CrossFieldKind.ForbiddenWhen:
                if (hasFirst && hasSecond && EqualsRuleValue(first!.Value, rule.Value!) == Tri.True)
                {
                    Add(Descriptors.Conflict, second!.NameSpan, Pointer(pointer, secondName), rule.Message, new FixRequest(FixKind.Remove, member: second));
                }
                break;

            case CrossFieldKind.OnlyItemWhen:
                if (hasFirst && hasSecond && second!.Value.Kind == NKind.Array && second.Value.Items is not null
                    && EqualsRuleValue(first!.Value, rule.Value!) == Tri.True && HasOtherItem(second.Value, rule.Item!))
                {
                    Add(Descriptors.Conflict, second.NameSpan, Pointer(pointer, secondName), rule.Message);
                }
                break;

            case CrossFieldKind.ExactlyOne:
                if (_options.Partial) break;
                if (hasFirst == hasSecond)
                {
                    if (hasFirst) Add(Descriptors.Conflict, second!.NameSpan, Pointer(pointer, secondName), rule.Message + ", not both");
                    else Add(Descriptors.MissingRequired, anchor, pointer, rule.Message);
                }
                break;

            case CrossFieldKind.TtsStyle:
                TtsStyle(element, objectRule, first, second, pointer);
                break;
        }
    }

    /// <summary>For made-up builder objects a missing partner is an error only when the producer says it is absent for sure.</summary>
    private static bool PartialRequiresMissing(NNode element) => element.Tag is string marker && marker == "complete";

    private void TtsStyle(NNode talk, ObjectRule rule, NMember? language, NMember? style, string pointer)
    {
        string? code;
        if (language is null) code = "en-US";
        else if (language.Value.Kind == NKind.String && language.Value.Known) code = TtsLanguages.Canonical(language.Value.Text!);
        else return;
        if (code is null) return; // the format check already reported the unknown language
        long styleValue = 0;
        if (style is not null && (!TryGetInteger(style.Value, out styleValue, out var known) || !known)) return;
        var premiumMember = TryGet(talk, rule.Find("premium")!);
        var premium = false;
        if (premiumMember is not null)
        {
            var p = TryGetBoolean(premiumMember.Value);
            if (p == Tri.Unknown) return;
            premium = p == Tri.True;
        }
        if (styleValue < 0 || TtsLanguages.IsValidStyle(code, (int)styleValue, premium)) return;

        if (style is null)
        {
            Add(Descriptors.TalkStyle, language!.Value.Span, Pointer(pointer, language.Name), $"{code} has no standard style 0 ({TtsLanguages.DescribeStyles(code, premium)}); set premium: true or a style");
        }
        else
        {
            Add(Descriptors.TalkStyle, style.Value.Span, Pointer(pointer, style.Name), $"style {styleValue} does not exist for {code}: {TtsLanguages.DescribeStyles(code, premium)}");
        }
    }

    private static NMember? TryGet(NNode element, PropertyRule rule)
    {
        foreach (var spelling in rule.AllNames())
        {
            if (element.Member(spelling) is { } member) return member;
        }
        return null;
    }

    private static bool Contains(NNode array, string item)
    {
        foreach (var element in array.Items!)
        {
            if (element.Kind == NKind.String && (!element.Known || element.Text == item)) return true;
            if (element.Kind == NKind.Unknown) return true;
        }
        return false;
    }

    private static bool HasOtherItem(NNode array, string item)
    {
        foreach (var element in array.Items!)
        {
            if (element.Kind == NKind.Unknown || element.Kind == NKind.String && !element.Known) continue;
            if (element.Kind != NKind.String || element.Text != item) return true;
        }
        return false;
    }

    // ---- lenient readers (mirror Ncco.Serialization.JsonValues) ----

    internal enum Tri { False, True, Unknown, Invalid }

    internal static bool TryGetInteger(NNode value, out long result, out bool known)
    {
        result = 0;
        known = value.Known;
        switch (value.Kind)
        {
            case NKind.Number:
                if (!value.Known) return true;
                var d = value.Number;
                if (d == Math.Floor(d) && Math.Abs(d) < 1e15)
                {
                    result = (long)d;
                    return true;
                }
                return false;
            case NKind.String:
                if (!value.Known) return true;
                return long.TryParse(value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);
        }
        return false;
    }

    internal static bool TryGetNumber(NNode value, out double result, out bool known)
    {
        result = 0;
        known = value.Known;
        switch (value.Kind)
        {
            case NKind.Number:
                result = value.Number;
                return true;
            case NKind.String:
                if (!value.Known) return true;
                return double.TryParse(value.Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out result)
                    && !double.IsNaN(result) && !double.IsInfinity(result);
        }
        return false;
    }

    internal static Tri TryGetBoolean(NNode value)
    {
        switch (value.Kind)
        {
            case NKind.Boolean:
                return !value.Known ? Tri.Unknown : value.Boolean ? Tri.True : Tri.False;
            case NKind.String:
                if (!value.Known) return Tri.Unknown;
                return value.Text == "true" ? Tri.True : value.Text == "false" ? Tri.False : Tri.Invalid;
            case NKind.Unknown:
                return Tri.Unknown;
        }
        return Tri.Invalid;
    }

    private static Tri EqualsRuleValue(NNode value, string expected)
    {
        if (expected is "true" or "false")
        {
            var b = TryGetBoolean(value);
            if (b == Tri.Unknown) return Tri.Unknown;
            return b != Tri.Invalid && (b == Tri.True) == (expected == "true") ? Tri.True : Tri.False;
        }
        if (value.Kind == NKind.Unknown || value.Kind == NKind.String && !value.Known) return Tri.Unknown;
        return value.Kind == NKind.String && value.Text == expected ? Tri.True : Tri.False;
    }

    internal static string Describe(NNode value) => value.Kind switch
    {
        NKind.String => value.Known ? "the string \"" + Truncate(value.Text!) + "\"" : "a string",
        NKind.Number => value.Known ? "the number " + value.Text : "a number",
        NKind.Boolean => value.Known ? (value.Boolean ? "true" : "false") : "a boolean",
        NKind.Null => "null",
        NKind.Array => "an array",
        NKind.Object => "an object",
        _ => "a value",
    };

    private static string RawString(NNode value) => value.Known ? "\"" + value.Text + "\"" : "\"…\"";

    private static string Truncate(string text) => text.Length <= 60 ? text : text.Substring(0, 57) + "...";






    internal static string Pointer(string pointer, string member) =>
        pointer + "/" + (member.IndexOf('~') >= 0 || member.IndexOf('/') >= 0 ? member.Replace("~", "~0").Replace("/", "~1") : member);

    internal static string Pointer(string pointer, int index) => pointer + "/" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The barge-in rule (reference §1.9), as the runtime validator applies it.</summary>
    private sealed class BargeInTracker
    {
        private readonly NccoInterpreter _owner;
        private string? _openedAt;
        private TextSpan _openedSpan;

        public BargeInTracker(NccoInterpreter owner) => _owner = owner;

        public void Next(NNode action, string? name, string pointer)
        {
            if (name is "talk" or "stream")
            {
                if (_openedAt is null && action.Member("bargeIn") is { } flag && TryGetBoolean(flag.Value) == Tri.True)
                {
                    _openedAt = pointer;
                    _openedSpan = flag.NameSpan;
                }
                return;
            }
            if (_openedAt is not null && name != "input")
            {
                _owner.Add(Descriptors.BargeInWithoutInput, ActionAnchor(action), pointer,
                    $"the talk/stream with bargeIn: true at {_openedAt} must be followed by an input action, but the next action is \"{name ?? "(none)"}\"");
            }
            _openedAt = null;
        }

        public void End()
        {
            if (_openedAt is not null)
            {
                _owner.Add(Descriptors.BargeInWithoutInput, _openedSpan, Pointer(_openedAt, "bargeIn"),
                    "bargeIn: true needs an input action after it, but the NCCO ends first");
            }
        }
    }
}
