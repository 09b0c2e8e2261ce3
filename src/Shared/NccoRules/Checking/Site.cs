namespace Ncco.Rules;

/// <summary>Which part of a node or member a finding is about; the analyzers turn it into a source span.</summary>
internal enum SitePart : byte
{
    /// <summary>The whole value.</summary>
    Value,
    /// <summary>A short part that stands for the value (the <c>{</c> of an object, the <c>new</c> keyword).</summary>
    Anchor,
    /// <summary>The name of a member.</summary>
    Name,
    /// <summary>The <c>action</c> value of an action object (its anchor when it has none).</summary>
    ActionName,
}

/// <summary>Where a finding is, in terms of the tree. The runtime ignores it (its findings carry the JSON pointer only).</summary>
internal readonly struct Site<TNode, TMember>
{
    private Site(SitePart part, TNode node, TMember member)
    {
        Part = part;
        Node = node;
        Member = member;
    }

    public SitePart Part { get; }

    /// <summary>The node, unless <see cref="Part"/> is <see cref="SitePart.Name"/>.</summary>
    public TNode Node { get; }

    /// <summary>The member, when <see cref="Part"/> is <see cref="SitePart.Name"/>.</summary>
    public TMember Member { get; }

    public static Site<TNode, TMember> Value(TNode node) => new(SitePart.Value, node, default!);

    public static Site<TNode, TMember> Anchor(TNode node) => new(SitePart.Anchor, node, default!);

    public static Site<TNode, TMember> ActionName(TNode action) => new(SitePart.ActionName, action, default!);

    public static Site<TNode, TMember> Name(TMember member) => new(SitePart.Name, default!, member);
}
