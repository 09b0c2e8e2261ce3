namespace Ncco.Rules;

/// <summary>
/// The one interpreter of <see cref="NccoRuleTable"/>: checks an NCCO, an action or an object against every rule and
/// reports every problem, each with a JSON pointer, a <see cref="Problem"/> (which gives the stable error code) and a
/// reason. The runtime validator runs it over System.Text.Json elements, the analyzers over the values they read from
/// C# source; both see the same findings.
/// </summary>
/// <remarks>
/// Values the tree does not know (the analyzers see variables, not only constants) are checked for their kind only:
/// a check reports on what is known for sure, never on a guess. In partial mode (the analyzers' view of one builder
/// call) only the members given are there, so missing members are not errors and unknown-property checks are off.
/// </remarks>
internal partial struct NccoRuleChecker<TTree, TNode, TMember, TCursor>
    where TTree : struct, INccoTree<TNode, TMember, TCursor>
    where TCursor : struct
{
    private TTree _tree;
    private readonly bool _partial;
    private string? _bargeInAt;
    private TMember _bargeInFlag;

    /// <summary>Creates a checker that reports to <paramref name="tree"/>.</summary>
    public NccoRuleChecker(TTree tree, bool partial)
    {
        _tree = tree;
        _partial = partial;
        _bargeInAt = null;
        _bargeInFlag = default!;
    }

    /// <summary>Checks a whole NCCO: a non-empty array of actions, each checked, and the barge-in sequence rule.</summary>
    public void CheckDocument(TNode ncco)
    {
        var kind = _tree.Kind(ncco);
        if (kind == NodeKind.Unknown) return;
        if (kind != NodeKind.Array)
        {
            Report(Problem.NotAnArray, string.Empty,
                kind == NodeKind.Object
                    ? "an NCCO must be a JSON array of actions; wrap this action in [ ]"
                    : "an NCCO must be a JSON array of actions, got " + Describe(ncco),
                Site<TNode, TMember>.Anchor(ncco));
            return;
        }
        if (!_tree.TryGetItems(ncco, out var items, out _)) return;

        var index = 0;
        while (_tree.NextItem(ref items, out var action))
        {
            var pointer = JsonPointers.Append(string.Empty, index);
            var name = CheckAction(action, pointer);
            NextForBargeIn(action, name, pointer);
            index++;
        }
        if (index == 0)
        {
            Report(Problem.Empty, string.Empty, "an NCCO needs at least one action", Site<TNode, TMember>.Value(ncco));
        }
        EndForBargeIn();
    }

    /// <summary>Checks one action and returns its name (null when it has none that is known).</summary>
    public string? CheckAction(TNode action, string pointer)
    {
        var kind = _tree.Kind(action);
        if (kind == NodeKind.Unknown) return null;
        if (kind != NodeKind.Object)
        {
            Report(Problem.NotAnObject, pointer, "each action must be a JSON object, got " + Describe(action), Site<TNode, TMember>.Anchor(action));
            return null;
        }
        if (!_tree.TryGetMembers(action, out _)) return null;
        if (!_tree.TryGetMember(action, "action", RuleNames.Action, out var nameMember))
        {
            Report(Problem.MissingAction, pointer, "the action has no \"action\" name (one of " + string.Join(", ", NccoRuleTable.ActionNames) + ")", Site<TNode, TMember>.Anchor(action));
            return null;
        }
        var nameNode = _tree.Value(nameMember);
        var nameKind = _tree.Kind(nameNode);
        if (nameKind != NodeKind.String)
        {
            if (nameKind != NodeKind.Unknown)
            {
                Report(Problem.Type, JsonPointers.Append(pointer, "action"), "the action name must be a string, got " + Describe(nameNode), Site<TNode, TMember>.Value(nameNode));
            }
            return null;
        }
        if (!_tree.IsKnown(nameNode)) return null;
        if (!_tree.IsWellFormed(nameNode))
        {
            ReportEncoding(JsonPointers.Append(pointer, "action"), nameNode);
            return null;
        }

        var rule = Find(NccoRuleTable.ActionArray, nameNode);
        if (rule is not null)
        {
            CheckObject(action, rule, pointer, Site<TNode, TMember>.Value(nameNode));
            return rule.Name;
        }

        var name = _tree.Text(nameNode);
        if (_tree.IsCustomAction(name))
        {
            // The handler owns a custom action's properties, but whatever it reads must be readable text.
            CheckTexts(action, pointer);
            return name;
        }
        var hint = FirstIgnoringCase(NccoRuleTable.ActionNames, name);
        Report(Problem.UnknownAction, JsonPointers.Append(pointer, "action"),
            $"unknown action \"{name}\"" + (hint is null ? "; expected one of " + string.Join(", ", NccoRuleTable.ActionNames) : $"; did you mean \"{hint}\"? (action names are case-sensitive)"),
            Site<TNode, TMember>.Value(nameNode));
        return name;
    }

    /// <summary>
    /// The talk/stream barge-in rule (reference §1.9): once a talk or stream has <c>bargeIn: true</c>, later talk/stream
    /// actions are barge-in too ("sticky"), and the first other action must be <c>input</c>.
    /// </summary>
    private void NextForBargeIn(TNode action, string? name, string pointer)
    {
        if (name is "talk" or "stream")
        {
            if (_bargeInAt is null && _tree.TryGetMember(action, "bargeIn", RuleNames.BargeIn, out var flag) && ReadBoolean(ref _tree, _tree.Value(flag)) == Tri.True)
            {
                _bargeInAt = pointer;
                _bargeInFlag = flag;
            }
            return;
        }
        if (_bargeInAt is not null && name != "input")
        {
            Report(Problem.BargeInSequence, pointer,
                $"the talk/stream with bargeIn: true at {_bargeInAt} must be followed by an input action, but the next action is \"{name ?? "(none)"}\"",
                Site<TNode, TMember>.ActionName(action));
        }
        _bargeInAt = null;
    }

    private void EndForBargeIn()
    {
        if (_bargeInAt is null) return;
        Report(Problem.BargeInSequence, JsonPointers.Append(_bargeInAt, "bargeIn"), "bargeIn: true needs an input action after it, but the NCCO ends first",
            Site<TNode, TMember>.Name(_bargeInFlag));
        _bargeInAt = null;
    }

    /// <summary>
    /// The first of <paramref name="candidates"/> equal to <paramref name="text"/> ignoring case, or null. A loop, not a
    /// lambda: a lambda capturing a local makes the compiler allocate its closure on entry to the local's scope, that is
    /// for every action and every enum-checked string of a valid NCCO, not only when a hint is reported.
    /// </summary>
    private static string? FirstIgnoringCase(IReadOnlyList<string> candidates, string text)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            if (string.Equals(candidates[i], text, StringComparison.OrdinalIgnoreCase)) return candidates[i];
        }
        return null;
    }

    /// <summary>The rule of <paramref name="rules"/> whose <see cref="ObjectRule.Key"/> the string names, or null.</summary>
    private ObjectRule? Find(ObjectRule[] rules, TNode name)
    {
        for (var i = 0; i < rules.Length; i++)
        {
            if (_tree.TextEquals(name, rules[i].Key, rules[i].Utf8Key)) return rules[i];
        }
        return null;
    }

    private void Report(Problem problem, string pointer, string message, in Site<TNode, TMember> site) =>
        _tree.Report(problem, pointer, message, site, default);

    private void Report(Problem problem, string pointer, string message, in Site<TNode, TMember> site, Repair<TNode, TMember> repair) =>
        _tree.Report(problem, pointer, message, site, repair);
}
