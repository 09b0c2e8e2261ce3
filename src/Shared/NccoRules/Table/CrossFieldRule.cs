namespace Ncco.Rules;

/// <summary>The kinds of rules that relate several properties of one object.</summary>
internal enum CrossFieldKind
{
    /// <summary><see cref="CrossFieldRule.First"/> cannot be used when <see cref="CrossFieldRule.Second"/> is present
    /// (or, when <see cref="CrossFieldRule.Value"/> is set, equals that value).</summary>
    Conflict,

    /// <summary>When <see cref="CrossFieldRule.First"/> is present, <see cref="CrossFieldRule.Second"/> must be
    /// present (and equal <see cref="CrossFieldRule.Value"/> when it is set).</summary>
    Requires,

    /// <summary>When <see cref="CrossFieldRule.First"/> is present, the array <see cref="CrossFieldRule.Second"/>
    /// must contain <see cref="CrossFieldRule.Value"/>.</summary>
    RequiresItem,

    /// <summary>When <see cref="CrossFieldRule.First"/> equals <see cref="CrossFieldRule.Value"/>,
    /// <see cref="CrossFieldRule.Second"/> must be absent.</summary>
    ForbiddenWhen,

    /// <summary>When <see cref="CrossFieldRule.First"/> equals <see cref="CrossFieldRule.Value"/>,
    /// <see cref="CrossFieldRule.Second"/> must be present.</summary>
    RequiredWhen,

    /// <summary>When <see cref="CrossFieldRule.First"/> equals <see cref="CrossFieldRule.Value"/>, the array
    /// <see cref="CrossFieldRule.Second"/> may hold only that one item <see cref="CrossFieldRule.Item"/>.</summary>
    OnlyItemWhen,

    /// <summary>Exactly one of <see cref="CrossFieldRule.First"/> and <see cref="CrossFieldRule.Second"/>
    /// must be present.</summary>
    ExactlyOne,

    /// <summary>The talk style (<see cref="CrossFieldRule.Second"/>) must exist for the language
    /// (<see cref="CrossFieldRule.First"/>), taking <c>premium</c> into account.</summary>
    TtsStyle,
}

/// <summary>A rule that relates several properties of one object; see <see cref="CrossFieldKind"/>.</summary>
internal sealed class CrossFieldRule
{
    /// <summary>Creates a rule.</summary>
    public CrossFieldRule(CrossFieldKind kind, string first, string second, string message, string? value = null, string? item = null)
    {
        Kind = kind;
        First = first;
        Second = second;
        Message = message;
        Value = value;
        Item = item;
    }

    /// <summary>The kind of relation.</summary>
    public CrossFieldKind Kind { get; }

    /// <summary>The property the error is reported on.</summary>
    public string First { get; }

    /// <summary>The other property.</summary>
    public string Second { get; }

    /// <summary>A value that qualifies the relation (see <see cref="CrossFieldKind"/>).</summary>
    public string? Value { get; }

    /// <summary>For <see cref="CrossFieldKind.OnlyItemWhen"/>: the one allowed item.</summary>
    public string? Item { get; }

    /// <summary>The reason, as a person reads it.</summary>
    public string Message { get; }
}
