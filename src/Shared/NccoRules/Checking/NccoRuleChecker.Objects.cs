namespace Ncco.Rules;

internal partial struct NccoRuleChecker<TTree, TNode, TMember, TCursor>
{
    /// <summary>
    /// Checks an object against <paramref name="rule"/>: every member known and given once, every value, the required
    /// members and the cross-field rules. <paramref name="anchor"/> is where object-level findings (a missing member) go.
    /// </summary>
    public void CheckObject(TNode element, ObjectRule rule, string pointer, in Site<TNode, TMember> anchor) =>
        CheckObject(element, rule, Location.At(pointer), anchor);

    /// <summary>Checks an object whose pointer is built only if a finding needs it (settings objects and endpoints).</summary>
    private void CheckObject(TNode element, ObjectRule rule, in Location at, in Site<TNode, TMember> anchor)
    {
        if (!_tree.TryGetMembers(element, out var members)) return;
        var properties = rule.Properties;
        ulong seen = 0;

        while (_tree.NextMember(ref members, out var member))
        {
            var index = _tree.PropertyIndex(rule, member);
            if (index < 0)
            {
                if (!_tree.IsWellFormed(member)) ReportEncodingName(at.Pointer(ref _tree), member);
                else if (!_partial) ReportUnknown(rule, member, at.Pointer(ref _tree));
                continue;
            }
            var property = properties[index];
            var bit = 1UL << index;
            if ((seen & bit) != 0)
            {
                var name = _tree.Name(member);
                Report(Problem.Duplicate, JsonPointers.Append(at.Pointer(ref _tree), name),
                    $"\"{name}\" repeats \"{property.Name}\" (accepted spellings: {string.Join(", ", property.AllNames())}); give it once",
                    Site<TNode, TMember>.Name(member));
                continue;
            }
            seen |= bit;
            CheckValue(_tree.Value(member), property, at.Member(ref _tree, member), member);
        }

        if (!_partial && (seen & rule.RequiredMask) != rule.RequiredMask)
        {
            for (var i = 0; i < properties.Length; i++)
            {
                if (!properties[i].Required || (seen & (1UL << i)) != 0) continue;
                var repair = rule.Name == "input" && properties[i].Name == "type"
                    ? Repair<TNode, TMember>.AddInputType(element, GuessInputType(element))
                    : default;
                Report(Problem.Required, at.Pointer(ref _tree), $"\"{properties[i].Name}\" is required: {RuleText.Lower(properties[i].Description)}", anchor, repair);
            }
        }

        var crossFields = rule.CrossFieldRules;
        for (var i = 0; i < crossFields.Length; i++)
        {
            var first = (seen & (1UL << rule.CrossFieldFirst[i])) != 0;
            if (!first && !rule.CrossFieldAlways[i]) continue; // CheckCrossField would return at once
            var second = (seen & (1UL << rule.CrossFieldSecond[i])) != 0;
            CheckCrossField(element, rule, i, first, second, seen, at, anchor);
        }
    }

    private string[] GuessInputType(TNode input)
    {
        var dtmf = _tree.TryGetMember(input, "dtmf", RuleNames.Dtmf, out _);
        var speech = _tree.TryGetMember(input, "speech", RuleNames.Speech, out _);
        return dtmf && speech ? ["dtmf", "speech"] : speech ? ["speech"] : ["dtmf"];
    }

    private void ReportUnknown(ObjectRule rule, TMember member, string pointer)
    {
        var name = _tree.Name(member);
        var similar = rule.FindSimilar(name);
        var where = rule.Name.StartsWith("endpoint.", StringComparison.Ordinal)
            ? $"a {rule.Key} endpoint"
            : NccoRuleTable.FindAction(rule.Name) is not null ? $"the {rule.Name} action" : rule.Name;
        var nested = similar is null ? FindNested(rule, name) : null;
        Report(Problem.UnknownProperty, JsonPointers.Append(pointer, name),
            similar is not null
                ? $"unknown property \"{name}\" on {where}; did you mean \"{similar.Name}\"? (property names are case-sensitive)"
                : nested is not null
                ? $"unknown property \"{name}\" on {where}; it belongs inside \"{nested}\": {{ \"{name}\": … }}"
                : $"unknown property \"{name}\" on {where}; expected one of " + string.Join(", ", rule.Properties.Select(p => p.Name)),
            Site<TNode, TMember>.Name(member),
            similar is not null ? Repair<TNode, TMember>.Rename(member, similar.Name) : default);
    }

    // The settings object of rule that defines name: the legacy input put maxDigits, timeOut and submitOnHash on the
    // action itself, and old guides still show it; the platform reads them only inside "dtmf".
    private static string? FindNested(ObjectRule rule, string name)
    {
        foreach (var property in rule.Properties)
        {
            if (property.ObjectRef is not { } reference || NccoRuleTable.FindSettings(reference) is not { } settings) continue;
            if (settings.IndexOfSpelling(name) >= 0) return property.Name;
        }
        return null;
    }

    private void CheckEndpoint(TNode endpoint, in Location at)
    {
        if (_tree.Kind(endpoint) != NodeKind.Object)
        {
            Report(Problem.NotAnObject, at.Pointer(ref _tree), "an endpoint must be a JSON object, got " + Describe(endpoint), Site<TNode, TMember>.Value(endpoint));
            return;
        }
        if (!_tree.TryGetMembers(endpoint, out _)) return;
        if (!_tree.TryGetMember(endpoint, "type", RuleNames.Type, out var typeMember))
        {
            Report(Problem.Required, at.Pointer(ref _tree), "\"type\" is required: the endpoint type, one of " + string.Join(", ", NccoRuleTable.EndpointTypeNames), Site<TNode, TMember>.Anchor(endpoint));
            return;
        }
        var type = _tree.Value(typeMember);
        var kind = _tree.Kind(type);
        if (kind == NodeKind.Unknown || kind == NodeKind.String && !_tree.IsKnown(type)) return;
        if (kind == NodeKind.String && !_tree.IsWellFormed(type))
        {
            ReportEncoding(JsonPointers.Append(at.Pointer(ref _tree), "type"), type);
            return;
        }
        var rule = kind == NodeKind.String ? Find(NccoRuleTable.EndpointArray, type) : null;
        if (rule is null)
        {
            Report(Problem.Enum, JsonPointers.Append(at.Pointer(ref _tree), "type"),
                $"unknown endpoint type {Describe(type)}; expected one of " + string.Join(", ", NccoRuleTable.EndpointTypeNames), Site<TNode, TMember>.Value(type));
            return;
        }
        CheckObject(endpoint, rule, at, Site<TNode, TMember>.Value(type));
    }

    /// <summary>The member of <paramref name="element"/> spelling <paramref name="rule"/> (documented name first, then aliases).</summary>
    private bool TryGet(TNode element, PropertyRule rule, out TMember member)
    {
        if (_tree.TryGetMember(element, rule.Name, rule.Utf8Name, out member)) return true;
        for (var i = 0; i < rule.Aliases.Length; i++)
        {
            if (_tree.TryGetMember(element, rule.Aliases[i], rule.Utf8Aliases[i], out member)) return true;
        }
        return false;
    }

    /// <summary>
    /// Where a value sits, turned into a JSON pointer only when a finding is reported: building a pointer string for
    /// every property, settings object and endpoint of every valid NCCO would dominate the runtime validator's
    /// allocations. A location is a pointer string and up to two member steps below it (each with an array index, or
    /// -1): an action's settings object or endpoint and their members need no string at all; a step below those (an
    /// endpoint's <c>onAnswer</c>) builds its parent's pointer once.
    /// </summary>
    private readonly struct Location
    {
        private readonly string _root;
        private readonly int _steps;
        private readonly TMember _first;
        private readonly int _firstIndex;
        private readonly TMember _second;
        private readonly int _secondIndex;

        private Location(string root, int steps, TMember first, int firstIndex, TMember second, int secondIndex)
        {
            _root = root;
            _steps = steps;
            _first = first;
            _firstIndex = firstIndex;
            _second = second;
            _secondIndex = secondIndex;
        }

        /// <summary>The location <paramref name="pointer"/> names.</summary>
        public static Location At(string pointer) => new(pointer, 0, default!, -1, default!, -1);

        /// <summary>The value of <paramref name="member"/> of the object at this location.</summary>
        public Location Member(ref TTree tree, TMember member) => _steps switch
        {
            0 => new(_root, 1, member, -1, default!, -1),
            1 => new(_root, 2, _first, _firstIndex, member, -1),
            _ => new(Pointer(ref tree), 1, member, -1, default!, -1),
        };

        /// <summary>Item <paramref name="index"/> of the array this location holds.</summary>
        public Location Item(int index) => _steps switch
        {
            0 => new(JsonPointers.Append(_root, index), 0, default!, -1, default!, -1),
            1 => new(_root, 1, _first, index, default!, -1),
            _ => new(_root, 2, _first, _firstIndex, _second, index),
        };

        public string Pointer(ref TTree tree)
        {
            var pointer = _root;
            if (_steps >= 1) pointer = Step(ref tree, pointer, _first, _firstIndex);
            if (_steps >= 2) pointer = Step(ref tree, pointer, _second, _secondIndex);
            return pointer;
        }

        private static string Step(ref TTree tree, string parent, TMember member, int index)
        {
            var pointer = JsonPointers.Append(parent, tree.Name(member));
            return index >= 0 ? JsonPointers.Append(pointer, index) : pointer;
        }
    }
}
