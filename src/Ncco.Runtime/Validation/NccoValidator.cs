using System.Globalization;
using System.Text;
using System.Text.Json;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Rules;
using Ncco.Serialization;

namespace Ncco.Validation;

/// <summary>
/// Checks an NCCO against every rule of <see cref="NccoRuleTable"/> and reports all errors at once, each with a
/// JSON pointer and a reason. Accepts JSON text, a <see cref="JsonElement"/> or a typed <see cref="NccoDocument"/>.
/// </summary>
public static class NccoValidator
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>Validates NCCO JSON text.</summary>
    public static IReadOnlyList<NccoError> Validate(string json, NccoValidationOptions? options = null)
    {
        try
        {
            using var document = JsonDocument.Parse(json, DocumentOptions);
            return Validate(document.RootElement, options);
        }
        catch (JsonException e)
        {
            return [InvalidJson(e)];
        }
    }

    /// <summary>Validates a parsed NCCO.</summary>
    public static IReadOnlyList<NccoError> Validate(JsonElement ncco, NccoValidationOptions? options = null)
    {
        var errors = new List<NccoError>();
        ValidateDocument(ncco, options ?? NccoValidationOptions.Default, errors);
        return errors;
    }

    /// <summary>
    /// Validates a typed NCCO, for example one built in code, by checking the JSON it would send. Every rule applies
    /// (ranges, URL schemes, cross-field rules), so builder mistakes surface before a call does.
    /// </summary>
    public static IReadOnlyList<NccoError> Validate(NccoDocument ncco, NccoValidationOptions? options = null)
    {
        using var document = JsonDocument.Parse(NccoWriter.WriteUtf8(ncco));
        return Validate(document.RootElement, options);
    }

    internal static NccoError InvalidJson(JsonException e) =>
        new(string.Empty, ErrorCodes.InvalidJson,
            e.LineNumber is { } line
                ? $"not valid JSON (line {line + 1}, column {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}"
                : "not valid JSON: " + FirstSentence(e.Message));

    internal static void ValidateDocument(JsonElement ncco, NccoValidationOptions options, List<NccoError> errors)
    {
        if (ncco.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new(string.Empty, ErrorCodes.NotAnArray,
                ncco.ValueKind == JsonValueKind.Object
                    ? "an NCCO must be a JSON array of actions; wrap this action in [ ]"
                    : "an NCCO must be a JSON array of actions, got " + JsonValues.Describe(ncco)));
            return;
        }

        var index = 0;
        var bargeIn = new BargeInTracker();
        foreach (var action in ncco.EnumerateArray())
        {
            var pointer = JsonPointer.Append(string.Empty, index);
            var name = ValidateAction(action, pointer, options, errors);
            bargeIn.Next(action, name, pointer, errors);
            index++;
        }

        if (index == 0)
        {
            errors.Add(new(string.Empty, ErrorCodes.Empty, "an NCCO needs at least one action"));
        }
        bargeIn.End(errors);
    }

    /// <summary>Validates one action and returns its name (null when it has none).</summary>
    private static string? ValidateAction(JsonElement action, string pointer, NccoValidationOptions options, List<NccoError> errors)
    {
        if (action.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(pointer, ErrorCodes.NotAnObject, "each action must be a JSON object, got " + JsonValues.Describe(action)));
            return null;
        }
        if (!action.TryGetProperty("action", out var nameElement))
        {
            errors.Add(new(pointer, ErrorCodes.MissingAction, "the action has no \"action\" name (one of " + string.Join(", ", NccoRuleTable.ActionNames) + ")"));
            return null;
        }
        if (nameElement.ValueKind != JsonValueKind.String)
        {
            errors.Add(new(JsonPointer.Append(pointer, "action"), ErrorCodes.Type, "the action name must be a string, got " + JsonValues.Describe(nameElement)));
            return null;
        }

        var rule = Utf8RuleIndex.FindAction(nameElement);
        if (rule is not null)
        {
            ValidateObject(action, rule, pointer, errors);
            return rule.Name;
        }

        var name = nameElement.GetString()!;
        if (options.CustomActions.Contains(name)) return name;
        var hint = NccoRuleTable.ActionNames.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        errors.Add(new(JsonPointer.Append(pointer, "action"), ErrorCodes.UnknownAction,
            $"unknown action \"{name}\"" + (hint is null ? "; expected one of " + string.Join(", ", NccoRuleTable.ActionNames) : $"; did you mean \"{hint}\"? (action names are case-sensitive)")));
        return name;
    }

    private static void ValidateObject(JsonElement element, ObjectRule rule, string pointer, List<NccoError> errors)
    {
        var properties = rule.Properties;
        Span<byte> seen = stackalloc byte[properties.Length];
        var names = Utf8RuleIndex.For(rule);

        foreach (var member in element.EnumerateObject())
        {
            var index = Utf8RuleIndex.IndexOf(names, member);
            if (index < 0)
            {
                ReportUnknown(rule, member.Name, pointer, errors);
                continue;
            }
            var property = properties[index];
            var memberPointer = new Location(pointer, member);
            if (seen[index] != 0)
            {
                errors.Add(new(memberPointer.ToString(), ErrorCodes.Duplicate,
                    $"\"{member.Name}\" repeats \"{property.Name}\" (accepted spellings: {string.Join(", ", property.AllNames())}); give it once"));
                continue;
            }
            seen[index] = 1;
            ValidateValue(member.Value, property, memberPointer, errors);
        }

        for (var i = 0; i < properties.Length; i++)
        {
            if (properties[i].Required && seen[i] == 0)
            {
                errors.Add(new(pointer, ErrorCodes.Required, $"\"{properties[i].Name}\" is required: {RuleText.Lower(properties[i].Description)}"));
            }
        }

        var crossFields = names.CrossFields;
        for (var i = 0; i < crossFields.Length; i++)
        {
            var (first, second) = crossFields[i];
            ValidateCrossField(element, rule, rule.CrossFieldRules[i], seen[first] != 0, seen[second] != 0, pointer, errors);
        }
    }

    private static void ReportUnknown(ObjectRule rule, string name, string pointer, List<NccoError> errors)
    {
        var similar = rule.FindSimilar(name);
        var where = rule.Name.StartsWith("endpoint.", StringComparison.Ordinal)
            ? $"a {rule.Name["endpoint.".Length..]} endpoint"
            : NccoRuleTable.FindAction(rule.Name) is not null ? $"the {rule.Name} action" : rule.Name;
        errors.Add(new(JsonPointer.Append(pointer, name), ErrorCodes.UnknownProperty,
            similar is not null
                ? $"unknown property \"{name}\" on {where}; did you mean \"{similar.Name}\"? (property names are case-sensitive)"
                : $"unknown property \"{name}\" on {where}; expected one of " + string.Join(", ", rule.Properties.Select(p => p.Name))));
    }

    private static void ValidateValue(JsonElement value, PropertyRule rule, Location pointer, List<NccoError> errors)
    {
        switch (rule.Kind)
        {
            case ValueKind.String:
                if (value.ValueKind != JsonValueKind.String)
                {
                    errors.Add(new(pointer.ToString(), ErrorCodes.Type, $"must be a string, got {JsonValues.Describe(value)}"));
                    return;
                }
                ValidateString(value, rule, pointer, errors);
                return;

            case ValueKind.Integer:
                if (!JsonValues.TryGetInteger(value, out var integer))
                {
                    errors.Add(new(pointer.ToString(), ErrorCodes.Type, $"must be a whole number{RuleText.Range(rule)}, got {JsonValues.Describe(value)}"));
                    return;
                }
                CheckRange(integer, rule, pointer, errors);
                return;

            case ValueKind.Number:
                if (!JsonValues.TryGetNumber(value, out var number))
                {
                    errors.Add(new(pointer.ToString(), ErrorCodes.Type, $"must be a number{RuleText.Range(rule)}, got {JsonValues.Describe(value)}"));
                    return;
                }
                CheckRange(number, rule, pointer, errors);
                return;

            case ValueKind.Boolean:
                if (!JsonValues.TryGetBoolean(value, out _))
                {
                    errors.Add(new(pointer.ToString(), ErrorCodes.Type, $"must be true or false, got {JsonValues.Describe(value)}"));
                }
                return;

            case ValueKind.Object:
                if (value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new(pointer.ToString(), ErrorCodes.Type, $"must be a JSON object, got {JsonValues.Describe(value)}"));
                    return;
                }
                ValidateObjectValue(value, rule, pointer, errors);
                return;

            case ValueKind.Array:
                ValidateArray(value, rule, pointer, errors);
                return;
        }
    }

    private static void ValidateObjectValue(JsonElement value, PropertyRule rule, Location location, List<NccoError> errors)
    {
        var pointer = location.ToString();
        if (rule.ObjectRef is { } reference)
        {
            ValidateObject(value, NccoRuleTable.FindSettings(reference)!, pointer, errors);
            return;
        }
        if (rule.StringValuesOnly)
        {
            foreach (var member in value.EnumerateObject())
            {
                if (member.Value.ValueKind != JsonValueKind.String)
                {
                    errors.Add(new(JsonPointer.Append(pointer, member.Name), ErrorCodes.Type, $"header values must be strings, got {JsonValues.Describe(member.Value)}"));
                }
            }
        }
        if (rule.MaxLength is { } maxBytes)
        {
            var size = Encoding.UTF8.GetByteCount(value.GetRawText());
            if (size > maxBytes)
            {
                errors.Add(new(pointer, ErrorCodes.Length, $"must be at most {maxBytes} bytes of JSON, got {size}"));
            }
        }
    }

    private static void ValidateArray(JsonElement value, PropertyRule rule, Location location, List<NccoError> errors)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            var message = rule.Format == ValueFormat.HttpUrl && value.ValueKind == JsonValueKind.String
                ? $"must be an array holding one URL, like [\"{JsonValues.Describe(value)[12..^1]}\"], not a bare string"
                : rule.ObjectRef == "endpoint" && value.ValueKind == JsonValueKind.Object
                    ? "must be an array holding one endpoint object; wrap the object in [ ]"
                    : rule.Items == ValueKind.String && value.ValueKind == JsonValueKind.String
                        ? $"must be an array of strings, like [{value.GetRawText()}], not a bare string"
                        : $"must be an array, got {JsonValues.Describe(value)}";
            errors.Add(new(location.ToString(), ErrorCodes.Type, message));
            return;
        }

        string? pointer = null; // built only when an item needs it: most arrays are valid one-URL arrays
        var count = value.GetArrayLength();
        if (rule.MinLength is { } min && count < min || rule.MaxLength is { } max && count > max)
        {
            errors.Add(new(pointer ??= location.ToString(), ErrorCodes.Length, $"must hold {RuleText.Count(rule)}, got {count}"));
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPointer = new Location(location, index);
            if (rule.Items == ValueKind.String)
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    errors.Add(new(itemPointer.ToString(), ErrorCodes.Type, $"must be a string, got {JsonValues.Describe(item)}"));
                }
                else
                {
                    ValidateString(item, rule, itemPointer, errors);
                    if (rule.UniqueItems && IndexOfString(value, item, index) is { } first)
                    {
                        errors.Add(new(itemPointer.ToString(), ErrorCodes.Duplicate, $"repeats item {first}; items must be distinct"));
                    }
                }
            }
            else if (rule.ObjectRef == "endpoint")
            {
                ValidateEndpoint(item, itemPointer.ToString(), errors);
            }
            index++;
        }
    }

    private static int? IndexOfString(JsonElement array, JsonElement item, int before)
    {
        var text = item.GetString();
        var i = 0;
        foreach (var other in array.EnumerateArray())
        {
            if (i == before) return null;
            if (other.ValueKind == JsonValueKind.String && other.ValueEquals(text)) return i;
            i++;
        }
        return null;
    }

    private static void ValidateEndpoint(JsonElement endpoint, string pointer, List<NccoError> errors)
    {
        if (endpoint.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(pointer, ErrorCodes.NotAnObject, "an endpoint must be a JSON object, got " + JsonValues.Describe(endpoint)));
            return;
        }
        if (!endpoint.TryGetProperty("type", out var type))
        {
            errors.Add(new(pointer, ErrorCodes.Required, "\"type\" is required: the endpoint type, one of " + string.Join(", ", NccoRuleTable.EndpointTypeNames)));
            return;
        }
        var rule = type.ValueKind == JsonValueKind.String ? NccoRuleTable.FindEndpoint(type.GetString()!) : null;
        if (rule is null)
        {
            errors.Add(new(JsonPointer.Append(pointer, "type"), ErrorCodes.Enum,
                $"unknown endpoint type {JsonValues.Describe(type)}; expected one of " + string.Join(", ", NccoRuleTable.EndpointTypeNames)));
            return;
        }
        ValidateObject(endpoint, rule, pointer, errors);
    }

    private static void ValidateString(JsonElement value, PropertyRule rule, Location pointer, List<NccoError> errors)
    {
        if (rule.AllowedValues is { } allowed)
        {
            foreach (var candidate in allowed)
            {
                if (value.ValueEquals(candidate)) return;
            }
            var text = value.GetString()!;
            var similar = allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
            errors.Add(new(pointer.ToString(), ErrorCodes.Enum,
                similar is not null
                    ? $"\"{text}\" is not allowed; did you mean \"{similar}\"? (values are case-sensitive)"
                    : allowed.Length == 1 ? $"must be \"{allowed[0]}\", got \"{text}\"" : $"must be one of {string.Join(", ", allowed)}; got \"{text}\""));
            return;
        }
        if (rule.Format == ValueFormat.None && rule.MinLength is null && rule.MaxLength is null) return;

        var s = value.GetString()!;
        if (rule.Kind == ValueKind.String)
        {
            if (rule.MinLength is { } min && s.Length < min)
            {
                errors.Add(new(pointer.ToString(), ErrorCodes.Length, min == 1 ? "must not be empty" : $"must be at least {min} characters"));
                return;
            }
            if (rule.MaxLength is { } max && s.Length > max)
            {
                errors.Add(new(pointer.ToString(), ErrorCodes.Length, $"must be at most {max} characters, got {s.Length}"));
                return;
            }
        }
        if (rule.Format != ValueFormat.None && FormatChecks.Check(rule.Format, s) is { } problem)
        {
            errors.Add(new(pointer.ToString(), rule.Format == ValueFormat.TalkText ? ErrorCodes.Length : ErrorCodes.Format, problem));
        }
    }

    private static void CheckRange(double value, PropertyRule rule, Location pointer, List<NccoError> errors)
    {
        if (rule.Minimum is { } min && value < min || rule.Maximum is { } max && value > max)
        {
            errors.Add(new(pointer.ToString(), ErrorCodes.Range, $"must be {RuleText.Bounds(rule)}, got {value.ToString(CultureInfo.InvariantCulture)}"));
        }
    }

    /// <remarks>
    /// <paramref name="firstPresent"/> and <paramref name="secondPresent"/> come from the member scan, so the common case
    /// (neither option used) costs no lookup at all.
    /// </remarks>
    private static void ValidateCrossField(JsonElement element, ObjectRule objectRule, CrossFieldRule rule, bool firstPresent, bool secondPresent, string pointer, List<NccoError> errors)
    {
        if (!firstPresent && rule.Kind is not (CrossFieldKind.ExactlyOne or CrossFieldKind.TtsStyle)) return;
        if (!firstPresent && !secondPresent && rule.Kind == CrossFieldKind.ExactlyOne)
        {
            errors.Add(new(pointer, ErrorCodes.Required, rule.Message));
            return;
        }
        var firstRule = objectRule.Find(rule.First)!;
        var secondRule = objectRule.Find(rule.Second)!;
        var first = default(JsonElement);
        var second = default(JsonElement);
        var firstName = firstRule.Name;
        var secondName = secondRule.Name;
        var hasFirst = firstPresent && TryGet(element, firstRule, out first, out firstName);
        var hasSecond = secondPresent && TryGet(element, secondRule, out second, out secondName);

        switch (rule.Kind)
        {
            case CrossFieldKind.Conflict:
                if (hasFirst && hasSecond && (rule.Value is null || JsonValues.EqualsRuleValue(first, rule.Value)))
                {
                    errors.Add(new(JsonPointer.Append(pointer, firstName), ErrorCodes.Conflict, rule.Message));
                }
                break;

            case CrossFieldKind.Requires:
                if (hasFirst && (!hasSecond || rule.Value is not null && !JsonValues.EqualsRuleValue(second, rule.Value)))
                {
                    errors.Add(new(JsonPointer.Append(pointer, firstName), ErrorCodes.Requires, rule.Message));
                }
                break;

            case CrossFieldKind.RequiredWhen:
                if (hasFirst && !hasSecond && JsonValues.EqualsRuleValue(first, rule.Value!))
                {
                    errors.Add(new(JsonPointer.Append(pointer, firstName), ErrorCodes.Requires, rule.Message));
                }
                break;

            case CrossFieldKind.RequiresItem:
                if (hasFirst && hasSecond && second.ValueKind == JsonValueKind.Array && !Contains(second, rule.Value!))
                {
                    errors.Add(new(JsonPointer.Append(pointer, firstName), ErrorCodes.Requires, rule.Message));
                }
                break;

            case CrossFieldKind.ForbiddenWhen:
                if (hasFirst && hasSecond && JsonValues.EqualsRuleValue(first, rule.Value!))
                {
                    errors.Add(new(JsonPointer.Append(pointer, secondName), ErrorCodes.Conflict, rule.Message));
                }
                break;

            case CrossFieldKind.OnlyItemWhen:
                if (hasFirst && hasSecond && second.ValueKind == JsonValueKind.Array && JsonValues.EqualsRuleValue(first, rule.Value!)
                    && HasOtherItem(second, rule.Item!))
                {
                    errors.Add(new(JsonPointer.Append(pointer, secondName), ErrorCodes.Conflict, rule.Message));
                }
                break;

            case CrossFieldKind.ExactlyOne:
                if (hasFirst == hasSecond)
                {
                    errors.Add(hasFirst
                        ? new(JsonPointer.Append(pointer, secondName), ErrorCodes.Conflict, rule.Message + ", not both")
                        : new(pointer, ErrorCodes.Required, rule.Message));
                }
                break;

            case CrossFieldKind.TtsStyle:
                ValidateTtsStyle(element, objectRule, hasFirst ? first : null, firstName, hasSecond ? second : null, secondName, pointer, errors);
                break;
        }
    }

    private static void ValidateTtsStyle(JsonElement talk, ObjectRule rule, JsonElement? language, string languageName, JsonElement? style, string styleName, string pointer, List<NccoError> errors)
    {
        var code = language is { ValueKind: JsonValueKind.String } l ? TtsLanguages.Canonical(l.GetString()!) : "en-US";
        if (code is null) return; // the format check already reported the unknown language
        long styleValue = 0;
        if (style is { } s && !JsonValues.TryGetInteger(s, out styleValue)) return; // type error already reported
        var premium = TryGet(talk, rule.Find("premium")!, out var premiumElement, out _) && JsonValues.TryGetBoolean(premiumElement, out var p) && p;
        if (styleValue < 0 || TtsLanguages.IsValidStyle(code, (int)styleValue, premium)) return;

        errors.Add(style is null
            ? new(JsonPointer.Append(pointer, languageName), ErrorCodes.Range, $"{code} has no standard style 0 ({TtsLanguages.DescribeStyles(code, premium)}); set premium: true or a style")
            : new(JsonPointer.Append(pointer, styleName), ErrorCodes.Range, $"style {styleValue} does not exist for {code}: {TtsLanguages.DescribeStyles(code, premium)}"));
    }

    private static bool TryGet(JsonElement element, PropertyRule rule, out JsonElement value, out string name)
    {
        name = rule.Name;
        if (element.TryGetProperty(name, out value)) return true;
        foreach (var alias in rule.Aliases)
        {
            if (element.TryGetProperty(alias, out value))
            {
                name = alias;
                return true;
            }
        }
        value = default;
        name = rule.Name;
        return false;
    }

    private static bool Contains(JsonElement array, string item)
    {
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind == JsonValueKind.String && element.ValueEquals(item)) return true;
        }
        return false;
    }

    private static bool HasOtherItem(JsonElement array, string item)
    {
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.String || !element.ValueEquals(item)) return true;
        }
        return false;
    }






    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    /// <summary>
    /// Where a value sits, turned into a JSON pointer only when an error is reported: building a pointer string for
    /// every property of every valid NCCO would dominate the validator's allocations.
    /// </summary>
    private readonly struct Location
    {
        private readonly string _parent;
        private readonly JsonProperty _member;
        private readonly bool _hasMember;
        private readonly int _index;

        public Location(string parent, JsonProperty member)
        {
            _parent = parent;
            _member = member;
            _hasMember = true;
            _index = -1;
        }

        /// <summary>Item <paramref name="index"/> of the array at <paramref name="array"/> (a member of an object).</summary>
        public Location(Location array, int index)
        {
            _parent = array._parent;
            _member = array._member;
            _hasMember = array._hasMember;
            _index = index;
        }

        public override string ToString()
        {
            var pointer = _hasMember ? JsonPointer.Append(_parent, _member.Name) : _parent;
            return _index >= 0 ? JsonPointer.Append(pointer, _index) : pointer;
        }
    }

    /// <summary>
    /// The talk/stream barge-in rule (reference §1.9): once a talk or stream has <c>bargeIn: true</c>, later
    /// talk/stream actions are barge-in too ("sticky"), and the first other action must be <c>input</c>.
    /// </summary>
    private struct BargeInTracker
    {
        private string? _openedAt;

        public void Next(JsonElement action, string? name, string pointer, List<NccoError> errors)
        {
            if (name is ActionNames.Talk or ActionNames.Stream)
            {
                if (_openedAt is null && action.TryGetProperty("bargeIn"u8, out var flag) && JsonValues.TryGetBoolean(flag, out var on) && on)
                {
                    _openedAt = pointer;
                }
                return;
            }
            if (_openedAt is not null && name != ActionNames.Input)
            {
                errors.Add(new(pointer, ErrorCodes.BargeInSequence,
                    $"the talk/stream with bargeIn: true at {_openedAt} must be followed by an input action, but the next action is \"{name ?? "(none)"}\""));
            }
            _openedAt = null;
        }

        public readonly void End(List<NccoError> errors)
        {
            if (_openedAt is not null)
            {
                errors.Add(new(JsonPointer.Append(_openedAt, "bargeIn"), ErrorCodes.BargeInSequence,
                    "bargeIn: true needs an input action after it, but the NCCO ends first"));
            }
        }
    }
}
