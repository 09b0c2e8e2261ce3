using Microsoft.CodeAnalysis.Text;
using Ncco.Rules;

namespace Ncco.Analyzers.Model;

/// <summary>
/// A value of an NCCO as written in source: parsed from a JSON literal, read from anonymous objects, or made up
/// from constant builder arguments. Every node carries the source span it came from, so the rule checker can
/// report exactly there. Values the compiler cannot know (a variable, an interpolation hole) have a kind but
/// <see cref="Known"/> false, and only their kind is checked.
/// </summary>
internal sealed class NNode
{
    public NNode(NodeKind kind, TextSpan span)
    {
        Kind = kind;
        Span = span;
        AnchorSpan = span;
    }

    public NodeKind Kind { get; }

    /// <summary>The source span of the whole value.</summary>
    public TextSpan Span { get; }

    /// <summary>A short span that stands for the value (the <c>{</c> of a JSON object, the <c>new</c> keyword).</summary>
    public TextSpan AnchorSpan { get; set; }

    /// <summary>Whether the value (not just the kind) is known. False for non-constant strings, numbers and booleans.</summary>
    public bool Known { get; set; } = true;

    /// <summary>The string value, or the source text of a number.</summary>
    public string? Text { get; set; }

    public double Number { get; set; }

    public bool Boolean { get; set; }

    /// <summary>Object members, in source order; null when the members are not known.</summary>
    public List<NMember>? Members { get; set; }

    /// <summary>Array items; null when the items are not known.</summary>
    public List<NNode>? Items { get; set; }

    /// <summary>Producer data used to write code fixes (for example the C# syntax node).</summary>
    public object? Tag { get; set; }

    /// <summary>For objects read from JSON text: the raw JSON (size limits count its bytes).</summary>
    public string? RawJson { get; set; }

    public NMember? Member(string name)
    {
        if (Members is null) return null;
        foreach (var member in Members)
        {
            if (member.Name == name) return member;
        }
        return null;
    }

    public static NNode Unknown(TextSpan span) => new(NodeKind.Unknown, span) { Known = false };
}

/// <summary>A member of an object.</summary>
internal sealed class NMember
{
    public NMember(string name, TextSpan nameSpan, NNode value)
    {
        Name = name;
        NameSpan = nameSpan;
        Value = value;
    }

    /// <summary>The name as it appears on the wire.</summary>
    public string Name { get; }

    /// <summary>Where the name is written.</summary>
    public TextSpan NameSpan { get; }

    public NNode Value { get; }

    /// <summary>Producer data used to write code fixes.</summary>
    public object? Tag { get; set; }
}
