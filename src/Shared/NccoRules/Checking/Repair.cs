namespace Ncco.Rules;

/// <summary>The unambiguous repairs a finding can offer (the analyzers' code fixes).</summary>
internal enum RepairKind : byte
{
    None,
    /// <summary>Wrap a bare value (a URL string, an endpoint object) in an array.</summary>
    WrapInArray,
    /// <summary>Rename a member to <see cref="Repair{TNode, TMember}.Text"/>.</summary>
    Rename,
    /// <summary>Remove a member (the conflicting option).</summary>
    Remove,
    /// <summary>Add <c>type</c> (<see cref="Repair{TNode, TMember}.Items"/>) to an input action.</summary>
    AddInputType,
}

/// <summary>A repair of a finding, in terms of the tree.</summary>
internal readonly struct Repair<TNode, TMember>
{
    private Repair(RepairKind kind, TNode node, TMember member, string? text, string[]? items)
    {
        Kind = kind;
        Node = node;
        Member = member;
        Text = text;
        Items = items;
    }

    public RepairKind Kind { get; }
    public TNode Node { get; }
    public TMember Member { get; }
    public string? Text { get; }
    public string[]? Items { get; }

    public static Repair<TNode, TMember> None => default;

    public static Repair<TNode, TMember> WrapInArray(TNode node) => new(RepairKind.WrapInArray, node, default!, null, null);

    public static Repair<TNode, TMember> Rename(TMember member, string name) => new(RepairKind.Rename, default!, member, name, null);

    public static Repair<TNode, TMember> Remove(TMember member) => new(RepairKind.Remove, default!, member, null, null);

    public static Repair<TNode, TMember> AddInputType(TNode input, string[] items) => new(RepairKind.AddInputType, input, default!, null, items);
}
