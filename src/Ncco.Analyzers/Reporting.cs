using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Ncco.Analyzers.Model;

namespace Ncco.Analyzers;

/// <summary>Turns findings into diagnostics, with their fixes attached as properties.</summary>
internal static class Reporting
{
    public static void Report(IEnumerable<Finding> findings, SyntaxTree tree, IFixWriter? writer, Action<Diagnostic> report, Func<Finding, string>? format = null)
    {
        foreach (var finding in findings)
        {
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (writer is not null && finding.Fix is { } request && writer.Write(request) is { } fix)
            {
                properties = FixProperties.Encode(fix.Title, fix.Key, fix.Edits);
            }
            var location = Location.Create(tree, finding.Span);
            report(Diagnostic.Create(finding.Descriptor, location, properties, format is null ? finding.Text : format(finding)));
        }
    }

    /// <summary>Custom action names from <c>ncco_custom_actions = a, b</c> in .editorconfig.</summary>
    public static InterpreterOptions DocumentOptions(AnalyzerOptions options, SyntaxTree tree)
    {
        if (options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue("ncco_custom_actions", out var value) && !string.IsNullOrWhiteSpace(value))
        {
            var names = value.Split(new[] { ',', ' ', ';' }, StringSplitOptions.RemoveEmptyEntries);
            return new InterpreterOptions(partial: false, lint: true, customActions: names);
        }
        return InterpreterOptions.Document;
    }
}
