namespace Ncco.Rules;

/// <summary>The JSON shape of a node, as far as the reader of the tree can tell.</summary>
internal enum NodeKind : byte
{
    /// <summary>Nothing is known (the analyzers: a C# value that is not plainly JSON). Never checked.</summary>
    Unknown,
    String,
    Number,
    Boolean,
    Null,
    Array,
    Object,
}
