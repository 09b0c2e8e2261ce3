using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Ncco.Analyzers.Model;

namespace Ncco.Analyzers.CSharp;

/// <summary>Reports NCCO040 (hidden) with a "Convert to NccoBuilder" fix for a valid NCCO the builder can express.</summary>
internal static class UseBuilder
{
    public static void TryReport(NNode ncco, List<Finding> findings, SyntaxNode replace, Func<NNode, string?> source, Action<Diagnostic> report)
    {
        if (findings.Any(f => f.Descriptor.DefaultSeverity >= DiagnosticSeverity.Warning)) return;
        var tree = replace.SyntaxTree;
        var text = tree.GetText();
        var line = text.Lines.GetLineFromPosition(replace.SpanStart);
        var lineText = line.ToString();
        var indent = lineText.Substring(0, lineText.Length - lineText.TrimStart().Length);
        var code = BuilderWriter.Write(ncco, source, indent);
        if (code is null) return;

        var edits = new List<SourceEdit> { new(replace.Span, code) };
        if (replace.SyntaxTree.GetRoot() is CompilationUnitSyntax unit)
        {
            var present = new HashSet<string>(unit.Usings.Select(u => u.Name?.ToString() ?? string.Empty));
            foreach (var ns in replace.Ancestors().OfType<BaseNamespaceDeclarationSyntax>())
            {
                foreach (var u in ns.Usings) present.Add(u.Name?.ToString() ?? string.Empty);
            }
            var needed = new List<string> { "Ncco" };
            if (code.Contains("InputTypes.") || code.Contains("RecordingFormat.") || code.Contains("InputMode.") || code.Contains("MachineDetectionBehavior.") || code.Contains("ConnectEventType.")) needed.Add("Ncco.Model");
            var missing = needed.Where(n => !present.Contains(n)).ToList();
            if (missing.Count > 0)
            {
                var position = unit.Usings.Count > 0 ? unit.Usings.Last().FullSpan.End : unit.GetLeadingTrivia().Span.End;
                var first = text.Lines[0];
                var newline = first.EndIncludingLineBreak - first.End == 2 ? "\r\n" : "\n";
                edits.Add(new SourceEdit(new TextSpan(position, 0), string.Concat(missing.Select(n => "using " + n + ";" + newline))));
            }
        }
        var properties = FixProperties.Encode("Convert to NccoBuilder", "ncco.builder", edits);
        report(Diagnostic.Create(Descriptors.UseBuilder, Location.Create(tree, ncco.AnchorSpan), properties));
    }
}
