using System.Text.Json;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Equivalence.OldPath;

/// <summary>The state of a walk over an object's members or an array's items.</summary>
internal struct JsonCursor
{
    private JsonElement.ObjectEnumerator _members;
    private JsonElement.ArrayEnumerator _items;

    public JsonCursor(JsonElement.ObjectEnumerator members)
    {
        _members = members;
        _items = default;
    }

    public JsonCursor(JsonElement.ArrayEnumerator items)
    {
        _members = default;
        _items = items;
    }

    public bool NextMember(out JsonProperty member)
    {
        if (_members.MoveNext())
        {
            member = _members.Current;
            return true;
        }
        member = default;
        return false;
    }

    public bool NextItem(out JsonElement item)
    {
        if (_items.MoveNext())
        {
            item = _items.Current;
            return true;
        }
        item = default;
        return false;
    }
}
