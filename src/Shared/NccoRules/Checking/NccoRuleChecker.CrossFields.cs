namespace Ncco.Rules;

internal partial struct NccoRuleChecker<TTree, TNode, TMember, TCursor>
{
    /// <remarks>
    /// <paramref name="firstPresent"/> and <paramref name="secondPresent"/> come from the member scan, so the common case
    /// (neither option used) costs no lookup at all; so does <c>seen</c>, the properties present (bits by index in
    /// <see cref="ObjectRule.Properties"/>).
    /// </remarks>
    private void CheckCrossField(TNode element, ObjectRule objectRule, int index, bool firstPresent, bool secondPresent, ulong seen, in Location at, in Site<TNode, TMember> anchor)
    {
        var rule = objectRule.CrossFieldRules[index];
        if (!firstPresent && rule.Kind is not (CrossFieldKind.ExactlyOne or CrossFieldKind.TtsStyle)) return;
        var firstRule = objectRule.Properties[objectRule.CrossFieldFirst[index]];
        var secondRule = objectRule.Properties[objectRule.CrossFieldSecond[index]];
        TMember first = default!, second = default!;
        var hasFirst = firstPresent && TryGet(element, firstRule, out first);
        var hasSecond = secondPresent && TryGet(element, secondRule, out second);

        switch (rule.Kind)
        {
            case CrossFieldKind.Conflict:
                if (hasFirst && hasSecond && (rule.Value is null || EqualsRuleValue(ref _tree, _tree.Value(first), rule.Value) == Tri.True))
                {
                    Report(Problem.Conflict, JsonPointers.Append(at.Pointer(ref _tree), _tree.Name(first)), rule.Message, Site<TNode, TMember>.Name(first), Repair<TNode, TMember>.Remove(first));
                }
                break;

            case CrossFieldKind.Requires:
                // A builder call (partial mode) holds only the arguments given: a missing partner counts only when the
                // producer knows the object is complete.
                if (hasFirst && (!hasSecond && (!_partial || _tree.IsComplete(element))
                                 || hasSecond && rule.Value is not null && EqualsRuleValue(ref _tree, _tree.Value(second), rule.Value) == Tri.False))
                {
                    Report(Problem.Requires, JsonPointers.Append(at.Pointer(ref _tree), _tree.Name(first)), rule.Message, Site<TNode, TMember>.Name(first));
                }
                break;

            case CrossFieldKind.RequiredWhen:
                if (hasFirst && !hasSecond && !_partial && EqualsRuleValue(ref _tree, _tree.Value(first), rule.Value!) == Tri.True)
                {
                    Report(Problem.Requires, JsonPointers.Append(at.Pointer(ref _tree), _tree.Name(first)), rule.Message, Site<TNode, TMember>.Name(first));
                }
                break;

            case CrossFieldKind.RequiresItem:
                if (hasFirst && hasSecond && Contains(_tree.Value(second), rule.Value!) == Tri.False)
                {
                    Report(Problem.Requires, JsonPointers.Append(at.Pointer(ref _tree), _tree.Name(first)), rule.Message, Site<TNode, TMember>.Name(first));
                }
                break;

            case CrossFieldKind.ForbiddenWhen:
                if (hasFirst && hasSecond && EqualsRuleValue(ref _tree, _tree.Value(first), rule.Value!) == Tri.True)
                {
                    Report(Problem.Conflict, JsonPointers.Append(at.Pointer(ref _tree), _tree.Name(second)), rule.Message, Site<TNode, TMember>.Name(second), Repair<TNode, TMember>.Remove(second));
                }
                break;

            case CrossFieldKind.OnlyItemWhen:
                if (hasFirst && hasSecond && EqualsRuleValue(ref _tree, _tree.Value(first), rule.Value!) == Tri.True && HasOtherItem(_tree.Value(second), rule.Item!))
                {
                    Report(Problem.Conflict, JsonPointers.Append(at.Pointer(ref _tree), _tree.Name(second)), rule.Message, Site<TNode, TMember>.Name(second));
                }
                break;

            case CrossFieldKind.ExactlyOne:
                if (_partial || hasFirst != hasSecond) break;
                if (hasFirst) Report(Problem.Conflict, JsonPointers.Append(at.Pointer(ref _tree), _tree.Name(second)), rule.Message + ", not both", Site<TNode, TMember>.Name(second));
                else Report(Problem.Required, at.Pointer(ref _tree), rule.Message, anchor);
                break;

            case CrossFieldKind.TtsStyle:
                CheckTtsStyle(element, objectRule, hasFirst, first, hasSecond, second, seen, at);
                break;
        }
    }

    private void CheckTtsStyle(TNode talk, ObjectRule rule, bool hasLanguage, TMember language, bool hasStyle, TMember style, ulong seen, in Location at)
    {
        string? code = "en-US";
        if (hasLanguage)
        {
            // Not a usable string: the value check already reported it.
            var value = _tree.Value(language);
            if (_tree.Kind(value) != NodeKind.String || !_tree.IsKnown(value) || !_tree.IsWellFormed(value)) return;
            code = TtsLanguages.Canonical(_tree.Text(value));
            if (code is null) return; // the format check already reported the unknown language
        }
        long styleValue = 0;
        if (hasStyle && ReadInteger(ref _tree, _tree.Value(style), out styleValue) != Tri.True) return;
        if (styleValue < 0 || styleValue > int.MaxValue) return; // the range check already reported it

        var premium = false;
        // Looked up only when the member scan saw it (most talks have no premium).
        var premiumIndex = rule.PremiumIndex;
        if ((seen & (1UL << premiumIndex)) != 0 && TryGet(talk, rule.Properties[premiumIndex], out var premiumMember))
        {
            var flag = ReadBoolean(ref _tree, _tree.Value(premiumMember));
            if (flag == Tri.Unknown) return;
            premium = flag == Tri.True;
        }
        if (TtsLanguages.IsValidStyle(code, (int)styleValue, premium)) return;

        if (!hasStyle)
        {
            Report(Problem.TalkStyle, JsonPointers.Append(at.Pointer(ref _tree), _tree.Name(language)),
                $"{code} has no standard style 0 ({TtsLanguages.DescribeStyles(code, premium)}); set premium: true or a style", Site<TNode, TMember>.Value(_tree.Value(language)));
        }
        else
        {
            Report(Problem.TalkStyle, JsonPointers.Append(at.Pointer(ref _tree), _tree.Name(style)),
                $"style {styleValue} does not exist for {code}: {TtsLanguages.DescribeStyles(code, premium)}", Site<TNode, TMember>.Value(_tree.Value(style)));
        }
    }

    /// <summary>Whether the array holds the string <paramref name="item"/>; unknown items might.</summary>
    private Tri Contains(TNode array, string item)
    {
        if (_tree.Kind(array) != NodeKind.Array || !_tree.TryGetItems(array, out var items, out _)) return Tri.Unknown;
        while (_tree.NextItem(ref items, out var element))
        {
            var kind = _tree.Kind(element);
            if (kind == NodeKind.Unknown || kind == NodeKind.String && !_tree.IsKnown(element)) return Tri.Unknown;
            if (kind == NodeKind.String && _tree.IsWellFormed(element) && _tree.TextEquals(element, item, null)) return Tri.True;
        }
        return Tri.False;
    }

    /// <summary>Whether the array holds anything known other than the string <paramref name="item"/>.</summary>
    private bool HasOtherItem(TNode array, string item)
    {
        if (_tree.Kind(array) != NodeKind.Array || !_tree.TryGetItems(array, out var items, out _)) return false;
        while (_tree.NextItem(ref items, out var element))
        {
            var kind = _tree.Kind(element);
            if (kind == NodeKind.Unknown || kind == NodeKind.String && !_tree.IsKnown(element)) continue;
            if (kind != NodeKind.String || !_tree.IsWellFormed(element) || !_tree.TextEquals(element, item, null)) return true;
        }
        return false;
    }
}
