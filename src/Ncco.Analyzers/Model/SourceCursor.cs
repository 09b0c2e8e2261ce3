namespace Ncco.Analyzers.Model;

/// <summary>The state of a walk over an <see cref="NNode"/>'s members or items.</summary>
internal struct SourceCursor
{
    private readonly NNode _node;
    private int _next;

    public SourceCursor(NNode node)
    {
        _node = node;
        _next = 0;
    }

    public bool NextMember(out NMember member)
    {
        var members = _node.Members!;
        if (_next < members.Count)
        {
            member = members[_next++];
            return true;
        }
        member = null!;
        return false;
    }

    public bool NextItem(out NNode item)
    {
        var items = _node.Items!;
        if (_next < items.Count)
        {
            item = items[_next++];
            return true;
        }
        item = null!;
        return false;
    }
}
