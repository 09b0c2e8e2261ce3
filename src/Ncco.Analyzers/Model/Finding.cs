using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Ncco.Analyzers.Model;

/// <summary>The kinds of unambiguous repairs a finding can offer (see <see cref="Ncco.Rules.RepairKind"/>).</summary>
internal enum FixKind
{
    None,
    /// <summary>Wrap a bare URL string in an array.</summary>
    WrapInArray,
    /// <summary>Rename a member to <see cref="FixRequest.Text"/>.</summary>
    Rename,
    /// <summary>Remove a member (the conflicting option).</summary>
    Remove,
    /// <summary>Add <c>type</c> (items in <see cref="FixRequest.Items"/>) to an input action.</summary>
    AddInputType,
}

/// <summary>What a code fix would do, in terms of the value tree; a producer turns it into text edits.</summary>
internal sealed class FixRequest
{
    public FixRequest(FixKind kind, NNode? node = null, NMember? member = null, string? text = null, string[]? items = null)
    {
        Kind = kind;
        Node = node;
        Member = member;
        Text = text;
        Items = items;
    }

    public FixKind Kind { get; }
    public NNode? Node { get; }
    public NMember? Member { get; }
    public string? Text { get; }
    public string[]? Items { get; }
}

/// <summary>One problem found in an NCCO written in C# (see <see cref="SourceRules"/>).</summary>
internal sealed class Finding
{
    public Finding(DiagnosticDescriptor descriptor, TextSpan span, string pointer, string message, FixRequest? fix = null, string? code = null)
    {
        Descriptor = descriptor;
        Span = span;
        Pointer = pointer;
        Message = message;
        Fix = fix;
        Code = code;
    }

    /// <summary>The runtime's error code (<c>Ncco.Validation.NccoErrorCodes</c>); null for the analyzer-only flow hints.</summary>
    public string? Code { get; }

    public DiagnosticDescriptor Descriptor { get; }
    public TextSpan Span { get; }

    /// <summary>The RFC 6901 pointer of the value, as the runtime validator reports it.</summary>
    public string Pointer { get; }

    /// <summary>The reason, worded as the runtime validator words it.</summary>
    public string Message { get; }

    public FixRequest? Fix { get; }

    /// <summary><c>pointer: message</c>, the shape of the runtime's <c>NccoError.ToString()</c>.</summary>
    public string Text => Pointer.Length == 0 ? Message : Pointer + ": " + Message;
}

/// <summary>A text edit of a code fix, in source coordinates.</summary>
internal readonly struct SourceEdit
{
    public SourceEdit(TextSpan span, string text)
    {
        Span = span;
        Text = text;
    }

    public TextSpan Span { get; }
    public string Text { get; }
}
