using System.Globalization;

namespace Ncco.Rules;

internal partial struct NccoRuleChecker<TTree, TNode, TMember, TCursor>
{
    private void CheckValue(TNode value, PropertyRule rule, in Location at, in TMember member)
    {
        var kind = _tree.Kind(value);
        if (kind == NodeKind.Unknown) return;
        if (kind == NodeKind.String && _tree.IsKnown(value) && !_tree.IsWellFormed(value))
        {
            ReportEncoding(at.Pointer(ref _tree), value);
            return;
        }
        switch (rule.Kind)
        {
            case ValueKind.String:
                if (kind != NodeKind.String)
                {
                    Report(Problem.Type, at.Pointer(ref _tree), $"must be a string, got {Describe(value)}", Site<TNode, TMember>.Value(value));
                    return;
                }
                if (_tree.IsKnown(value)) CheckString(value, rule, at);
                return;

            case ValueKind.Integer:
                switch (ReadInteger(ref _tree, value, out var integer))
                {
                    case Tri.Invalid:
                        Report(Problem.Type, at.Pointer(ref _tree), $"must be a whole number{RuleText.Range(rule)}, got {Describe(value)}", Site<TNode, TMember>.Value(value));
                        return;
                    case Tri.True when rule.Minimum is { } min && integer < min || rule.Maximum is { } max && integer > max:
                        ReportRange(rule, at, value, integer.ToString(CultureInfo.InvariantCulture));
                        return;
                }
                return;

            case ValueKind.Number:
                switch (ReadNumber(ref _tree, value, out var number))
                {
                    case Tri.Invalid:
                        Report(Problem.Type, at.Pointer(ref _tree), $"must be a number{RuleText.Range(rule)}, got {Describe(value)}", Site<TNode, TMember>.Value(value));
                        return;
                    case Tri.True when rule.Minimum is { } min && number < min || rule.Maximum is { } max && number > max:
                        ReportRange(rule, at, value, number.ToString(CultureInfo.InvariantCulture));
                        return;
                }
                return;

            case ValueKind.Boolean:
                if (ReadBoolean(ref _tree, value) == Tri.Invalid)
                {
                    Report(Problem.Type, at.Pointer(ref _tree), $"must be true or false, got {Describe(value)}", Site<TNode, TMember>.Value(value));
                }
                return;

            case ValueKind.Object:
                if (kind != NodeKind.Object)
                {
                    Report(Problem.Type, at.Pointer(ref _tree), $"must be a JSON object, got {Describe(value)}", Site<TNode, TMember>.Value(value));
                    return;
                }
                CheckObjectValue(value, rule, at, member);
                return;

            case ValueKind.Array:
                CheckArray(value, rule, at);
                return;
        }
    }

    private void ReportRange(PropertyRule rule, in Location at, TNode value, string got) =>
        Report(Problem.Range, at.Pointer(ref _tree), $"must be {RuleText.Bounds(rule)}, got {got}", Site<TNode, TMember>.Value(value));

    private void CheckObjectValue(TNode value, PropertyRule rule, in Location at, in TMember member)
    {
        if (!_tree.TryGetMembers(value, out var members)) return;
        if (rule.ObjectRef is { } reference)
        {
            CheckObject(value, NccoRuleTable.FindSettings(reference)!, at, Site<TNode, TMember>.Name(member));
            return;
        }

        // A free-form object (payload, providerOptions, headers): the table says nothing of its members, but what the
        // platform reads from it must be readable text.
        if (!_tree.AllTextWellFormed) CheckTexts(value, at.Pointer(ref _tree));
        if (rule.StringValuesOnly)
        {
            while (_tree.NextMember(ref members, out var item))
            {
                var itemValue = _tree.Value(item);
                var kind = _tree.Kind(itemValue);
                if (kind != NodeKind.String && kind != NodeKind.Unknown)
                {
                    Report(Problem.Type, JsonPointers.Append(at.Pointer(ref _tree), _tree.Name(item)), $"header values must be strings, got {Describe(itemValue)}", Site<TNode, TMember>.Value(itemValue));
                }
            }
        }
        if (rule.MaxLength is { } maxBytes)
        {
            var size = _tree.Utf8Length(value);
            if (size > maxBytes)
            {
                Report(Problem.Length, at.Pointer(ref _tree), $"must be at most {maxBytes} bytes of JSON, got {size}", Site<TNode, TMember>.Value(value));
            }
        }
    }

    private void CheckArray(TNode value, PropertyRule rule, in Location at)
    {
        var kind = _tree.Kind(value);
        if (kind != NodeKind.Array)
        {
            if (rule.Format == ValueFormat.HttpUrl && kind == NodeKind.String)
            {
                var like = _tree.IsKnown(value) ? $"like [\"{Truncate(_tree.Text(value))}\"], " : string.Empty;
                Report(Problem.UrlNotArray, at.Pointer(ref _tree), $"must be an array holding one URL, {like}not a bare string", Site<TNode, TMember>.Value(value),
                    Repair<TNode, TMember>.WrapInArray(value));
                return;
            }
            var bareStrings = rule.Items == ValueKind.String && kind == NodeKind.String;
            var bareEndpoint = rule.ObjectRef == "endpoint" && kind == NodeKind.Object;
            var message = bareEndpoint ? "must be an array holding one endpoint object; wrap the object in [ ]"
                : bareStrings ? $"must be an array of strings, like [{Quoted(value)}], not a bare string"
                : $"must be an array, got {Describe(value)}";
            Report(Problem.Type, at.Pointer(ref _tree), message, Site<TNode, TMember>.Value(value),
                bareStrings || bareEndpoint ? Repair<TNode, TMember>.WrapInArray(value) : default);
            return;
        }
        if (!_tree.TryGetItems(value, out var items, out var count)) return;

        if (rule.MinLength is { } min && count < min || rule.MaxLength is { } max && count > max)
        {
            Report(Problem.Length, at.Pointer(ref _tree), $"must hold {RuleText.Count(rule)}, got {count}", Site<TNode, TMember>.Value(value));
        }

        var index = 0;
        while (_tree.NextItem(ref items, out var item))
        {
            var itemKind = _tree.Kind(item);
            if (itemKind == NodeKind.Unknown)
            {
                // nothing known to check
            }
            else if (rule.Items == ValueKind.String)
            {
                if (itemKind != NodeKind.String)
                {
                    Report(Problem.Type, at.Item(index).Pointer(ref _tree), $"must be a string, got {Describe(item)}", Site<TNode, TMember>.Value(item));
                }
                else if (!_tree.IsKnown(item))
                {
                    // a string whose value is not known
                }
                else if (!_tree.IsWellFormed(item))
                {
                    ReportEncoding(at.Item(index).Pointer(ref _tree), item);
                }
                else
                {
                    CheckString(item, rule, at.Item(index));
                    if (rule.UniqueItems && IndexOfEarlier(value, item, index) is { } first)
                    {
                        Report(Problem.Duplicate, at.Item(index).Pointer(ref _tree), $"repeats item {first}; items must be distinct", Site<TNode, TMember>.Value(item));
                    }
                }
            }
            else if (rule.ObjectRef == "endpoint")
            {
                CheckEndpoint(item, at.Item(index));
            }
            index++;
        }
    }

    /// <summary>The index of an earlier item of <paramref name="array"/> equal to the string <paramref name="item"/>, or null.</summary>
    private int? IndexOfEarlier(TNode array, TNode item, int before)
    {
        if (before == 0 || !_tree.TryGetItems(array, out var items, out _)) return null;
        var text = _tree.Text(item);
        var i = 0;
        while (i < before && _tree.NextItem(ref items, out var other))
        {
            if (_tree.Kind(other) == NodeKind.String && _tree.IsKnown(other) && _tree.IsWellFormed(other) && _tree.TextEquals(other, text, null)) return i;
            i++;
        }
        return null;
    }

    /// <summary>Checks a known, well-formed string against the allowed values, lengths and format of its rule.</summary>
    private void CheckString(TNode value, PropertyRule rule, in Location at)
    {
        if (rule.AllowedValues is { } allowed)
        {
            var utf8 = rule.Utf8AllowedValues!;
            for (var i = 0; i < allowed.Length; i++)
            {
                if (_tree.TextEquals(value, allowed[i], utf8[i])) return;
            }
            var text = _tree.Text(value);
            var similar = FirstIgnoringCase(allowed, text);
            Report(Problem.Enum, at.Pointer(ref _tree),
                similar is not null
                    ? $"\"{text}\" is not allowed; did you mean \"{similar}\"? (values are case-sensitive)"
                    : allowed.Length == 1 ? $"must be \"{allowed[0]}\", got \"{text}\"" : $"must be one of {string.Join(", ", allowed)}; got \"{text}\"",
                Site<TNode, TMember>.Value(value));
            return;
        }
        if (rule.Format == ValueFormat.None && rule.MinLength is null && rule.MaxLength is null) return;

        var s = _tree.Text(value);
        if (rule.Kind == ValueKind.String)
        {
            if (rule.MinLength is { } min && s.Length < min)
            {
                Report(Problem.Length, at.Pointer(ref _tree), min == 1 ? "must not be empty" : $"must be at least {min} characters", Site<TNode, TMember>.Value(value));
                return;
            }
            if (rule.MaxLength is { } max && s.Length > max)
            {
                Report(Problem.Length, at.Pointer(ref _tree), $"must be at most {max} characters, got {s.Length}", Site<TNode, TMember>.Value(value));
                return;
            }
        }
        if (rule.Format == ValueFormat.None) return;
        if (FormatChecks.Check(rule.Format, s, out var url) is { } problem)
        {
            Report(rule.Format == ValueFormat.TalkText ? Problem.Length : Problem.Format, at.Pointer(ref _tree), problem, Site<TNode, TMember>.Value(value));
        }
        else if (url is not null)
        {
            _tree.KeepUrl(value, url);
        }
    }

    /// <summary>
    /// Reports every string and member name under <paramref name="node"/> that is not valid Unicode. Rule-checked
    /// values are covered where they are checked; this covers what no rule describes (payloads, provider options,
    /// headers, custom actions), which the runtime still reads and writes.
    /// </summary>
    private void CheckTexts(TNode node, string pointer)
    {
        if (_tree.AllTextWellFormed) return;
        switch (_tree.Kind(node))
        {
            case NodeKind.String:
                if (_tree.IsKnown(node) && !_tree.IsWellFormed(node)) ReportEncoding(pointer, node);
                return;
            case NodeKind.Object:
                if (!_tree.TryGetMembers(node, out var members)) return;
                while (_tree.NextMember(ref members, out var member))
                {
                    if (!_tree.IsWellFormed(member)) ReportEncodingName(pointer, member);
                    CheckTexts(_tree.Value(member), JsonPointers.Append(pointer, _tree.Name(member)));
                }
                return;
            case NodeKind.Array:
                if (!_tree.TryGetItems(node, out var items, out _)) return;
                var index = 0;
                while (_tree.NextItem(ref items, out var item))
                {
                    CheckTexts(item, JsonPointers.Append(pointer, index++));
                }
                return;
        }
    }

    private void ReportEncoding(string pointer, TNode text) =>
        Report(Problem.Encoding, pointer,
            $"must be valid Unicode text, but the string holds invalid UTF-8 bytes or an unpaired surrogate escape such as \\ud800 (shown as \uFFFD): \"{Truncate(_tree.Text(text))}\"",
            Site<TNode, TMember>.Value(text));

    private void ReportEncodingName(string objectPointer, TMember member)
    {
        var name = _tree.Name(member);
        Report(Problem.Encoding, JsonPointers.Append(objectPointer, name),
            $"the property name \"{Truncate(name)}\" is not valid Unicode text: it holds invalid UTF-8 bytes or an unpaired surrogate escape such as \\ud800 (shown as \uFFFD)",
            Site<TNode, TMember>.Name(member));
    }
}
