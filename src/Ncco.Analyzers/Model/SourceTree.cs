using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Ncco.Rules;

namespace Ncco.Analyzers.Model;

/// <summary>
/// The rule checker's view of <see cref="NNode"/> trees (NCCOs read from JSON literals, anonymous objects and builder
/// calls), and the sink that turns its findings into <see cref="Finding"/>s at source spans, with their fixes.
/// </summary>
internal readonly struct SourceTree : INccoTree<NNode, NMember, SourceCursor>
{
    private readonly List<Finding> _findings;
    private readonly string[] _customActions;

    public SourceTree(List<Finding> findings, string[] customActions)
    {
        _findings = findings;
        _customActions = customActions;
    }

    /// <summary>C# strings and JSON escapes can hold unpaired surrogates: every string is checked.</summary>
    public bool AllTextWellFormed => false;

    public NodeKind Kind(NNode node) => node.Kind;

    public bool IsKnown(NNode node) => node.Known;

    public bool TryGetMembers(NNode node, out SourceCursor cursor)
    {
        cursor = new SourceCursor(node);
        return node.Members is not null;
    }

    public bool NextMember(ref SourceCursor cursor, out NMember member) => cursor.NextMember(out member);

    public bool TryGetItems(NNode node, out SourceCursor cursor, out int count)
    {
        cursor = new SourceCursor(node);
        count = node.Items?.Count ?? 0;
        return node.Items is not null;
    }

    public bool NextItem(ref SourceCursor cursor, out NNode item) => cursor.NextItem(out item);

    /// <summary>The last member of that name, as the runtime (and System.Text.Json) read a repeated name.</summary>
    public bool TryGetMember(NNode node, string name, byte[] utf8Name, out NMember member)
    {
        var members = node.Members;
        for (var i = (members?.Count ?? 0) - 1; i >= 0; i--)
        {
            if (members![i].Name == name)
            {
                member = members[i];
                return true;
            }
        }
        member = null!;
        return false;
    }

    public NNode Value(NMember member) => member.Value;

    public string Name(NMember member) => Utf16Text.Replaced(member.Name);

    public int PropertyIndex(ObjectRule rule, NMember member) => rule.IndexOfSpelling(member.Name);

    public bool IsWellFormed(NMember member) => Utf16Text.IsWellFormed(member.Name);

    public bool IsWellFormed(NNode text) => text.Text is not { } value || Utf16Text.IsWellFormed(value);

    public string Text(NNode text) => Utf16Text.Replaced(text.Text ?? string.Empty);

    public bool TextEquals(NNode text, string expected, byte[]? expectedUtf8) => text.Text == expected;

    public bool TryGetInt64(NNode number, out long value) =>
        long.TryParse(number.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public bool TryGetDouble(NNode number, out double value)
    {
        value = number.Number;
        return !double.IsNaN(value) && !double.IsInfinity(value);
    }

    public string NumberText(NNode number) => number.Text ?? RuleText.Number(number.Number);

    public bool Boolean(NNode node) => node.Boolean;

    public int Utf8Length(NNode node) => node.RawJson is { } json ? Encoding.UTF8.GetByteCount(json) : -1;

    public bool IsCustomAction(string name) => Array.IndexOf(_customActions, name) >= 0;

    /// <summary>A producer marks a made-up builder object whose missing members are absent for sure.</summary>
    public bool IsComplete(NNode node) => node.Tag is "complete";

    /// <remarks>The analyzers report findings only; they bind no model, so a parsed URL has no use here.</remarks>
    public void KeepUrl(NNode text, Uri url)
    {
    }

    public void Report(Problem problem, string pointer, string message, Site<NNode, NMember> site, Repair<NNode, NMember> repair) =>
        _findings.Add(new Finding(DescriptorOf(problem), SpanOf(site), pointer, message, FixOf(repair), ProblemCodes.Code(problem)));

    private static TextSpan SpanOf(Site<NNode, NMember> site) => site.Part switch
    {
        SitePart.Name => site.Member.NameSpan,
        SitePart.Anchor => site.Node.AnchorSpan,
        SitePart.ActionName => site.Node.Member("action") is { } name ? name.Value.Span : site.Node.AnchorSpan,
        _ => site.Node.Span,
    };

    private static FixRequest? FixOf(Repair<NNode, NMember> repair) => repair.Kind switch
    {
        RepairKind.WrapInArray => new FixRequest(FixKind.WrapInArray, repair.Node),
        RepairKind.Rename => new FixRequest(FixKind.Rename, member: repair.Member, text: repair.Text),
        RepairKind.Remove => new FixRequest(FixKind.Remove, member: repair.Member),
        RepairKind.AddInputType => new FixRequest(FixKind.AddInputType, repair.Node, items: repair.Items),
        _ => null,
    };

    private static DiagnosticDescriptor DescriptorOf(Problem problem) => problem switch
    {
        Problem.Empty => Descriptors.Empty,
        Problem.MissingAction or Problem.Required => Descriptors.MissingRequired,
        Problem.UnknownAction => Descriptors.UnknownAction,
        Problem.UnknownProperty => Descriptors.UnknownProperty,
        Problem.Duplicate => Descriptors.Duplicate,
        Problem.UrlNotArray => Descriptors.UrlNotArray,
        Problem.Range => Descriptors.OutOfRange,
        Problem.TalkStyle => Descriptors.TalkStyle,
        Problem.Enum => Descriptors.NotAllowed,
        Problem.Format or Problem.Encoding => Descriptors.BadFormat,
        Problem.Length => Descriptors.Length,
        Problem.Conflict or Problem.Requires => Descriptors.Conflict,
        Problem.BargeInSequence => Descriptors.BargeInWithoutInput,
        _ => Descriptors.WrongType,
    };
}
