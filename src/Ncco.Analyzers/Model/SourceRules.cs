using Microsoft.CodeAnalysis.Text;
using Ncco.Rules;
using Checker = Ncco.Rules.NccoRuleChecker<Ncco.Analyzers.Model.SourceTree, Ncco.Analyzers.Model.NNode, Ncco.Analyzers.Model.NMember, Ncco.Analyzers.Model.SourceCursor>;

namespace Ncco.Analyzers.Model;

/// <summary>
/// Checks NCCOs written in C# with the rule checker the runtime validator uses (<c>src/Shared/NccoRules</c>), so the IDE
/// and the runtime report the same problems with the same pointers and reasons. Adds the analyzer-only flow hints.
/// </summary>
internal static class SourceRules
{
    /// <summary>Checks a whole NCCO document.</summary>
    public static List<Finding> ValidateDocument(NNode ncco, CheckOptions options)
    {
        var findings = new List<Finding>();
        var checker = new Checker(new SourceTree(findings, options.CustomActions), options.Partial);
        checker.CheckDocument(ncco);
        if (options.Lint) Lint(ncco, findings);
        return findings;
    }

    /// <summary>Checks one action object (the builder's made-up actions, anonymous objects outside an NCCO array).</summary>
    public static List<Finding> ValidateAction(NNode action, CheckOptions options, string pointer = "")
    {
        var findings = new List<Finding>();
        var checker = new Checker(new SourceTree(findings, options.CustomActions), options.Partial);
        checker.CheckAction(action, pointer);
        return findings;
    }

    /// <summary>Checks one object against a named rule (the builder's endpoints).</summary>
    public static List<Finding> ValidateObject(NNode value, ObjectRule rule, CheckOptions options, string pointer = "")
    {
        var findings = new List<Finding>();
        var checker = new Checker(new SourceTree(findings, options.CustomActions), options.Partial);
        checker.CheckObject(value, rule, pointer, Site<NNode, NMember>.Anchor(value));
        return findings;
    }

    /// <summary>The flow hints: actions after a transfer never run; an input without eventUrl reports elsewhere.</summary>
    private static void Lint(NNode ncco, List<Finding> findings)
    {
        if (ncco.Kind != NodeKind.Array || ncco.Items is null) return;
        string? terminal = null;
        for (var index = 0; index < ncco.Items.Count; index++)
        {
            var action = ncco.Items[index];
            var pointer = JsonPointers.Append(string.Empty, index);
            var name = action.Kind == NodeKind.Object && action.Member("action")?.Value is { Kind: NodeKind.String, Known: true } nameNode ? nameNode.Text : null;
            if (terminal is not null && action.Kind != NodeKind.Unknown)
            {
                findings.Add(new Finding(Descriptors.Unreachable, ActionAnchor(action), pointer, name ?? "(unnamed)"));
            }
            if (name == "transfer") terminal = pointer;
            if (name == "input" && action.Members is not null && action.Member("eventUrl") is null)
            {
                findings.Add(new Finding(Descriptors.NoEventUrl, ActionAnchor(action), pointer, name));
            }
        }
    }

    private static TextSpan ActionAnchor(NNode action) =>
        action.Member("action") is { } member ? member.Value.Span : action.AnchorSpan;
}
