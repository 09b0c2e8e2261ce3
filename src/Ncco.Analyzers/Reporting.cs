using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Ncco.Analyzers.Model;

namespace Ncco.Analyzers;

/// <summary>Turns findings into diagnostics, with their fixes attached as properties.</summary>
internal static class Reporting
{
    /// <summary>Diagnostic property holding the runtime's error code of a rule finding (tools and tests read it).</summary>
    public const string CodeProperty = "NccoCode";

    /// <summary>Diagnostic property holding the JSON pointer of a rule finding.</summary>
    public const string PointerProperty = "NccoPointer";

    public static void Report(IEnumerable<Finding> findings, SyntaxTree tree, IFixWriter? writer, Action<Diagnostic> report, Func<Finding, string>? format = null)
    {
        foreach (var finding in findings)
        {
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (writer is not null && finding.Fix is { } request && writer.Write(request) is { } fix)
            {
                properties = FixProperties.Encode(fix.Title, fix.Key, fix.Edits);
            }
            if (finding.Code is { } code)
            {
                properties = properties.SetItem(CodeProperty, code).SetItem(PointerProperty, finding.Pointer);
            }
            var location = Location.Create(tree, finding.Span);
            // Rules with their own message format take the bare argument; the others take "pointer: reason".
            var text = format is not null ? format(finding)
                : finding.Descriptor == Descriptors.Unreachable || finding.Descriptor == Descriptors.NoEventUrl ? finding.Message
                : finding.Text;
            report(Diagnostic.Create(finding.Descriptor, location, properties, text));
        }
    }

    /// <summary>Custom action names from <c>ncco_custom_actions = a, b</c> in .editorconfig.</summary>
    public static CheckOptions DocumentOptions(AnalyzerOptions options, SyntaxTree tree)
    {
        if (options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue("ncco_custom_actions", out var value) && !string.IsNullOrWhiteSpace(value))
        {
            var names = value.Split(new[] { ',', ' ', ';' }, StringSplitOptions.RemoveEmptyEntries);
            return new CheckOptions(partial: false, lint: true, customActions: names);
        }
        return CheckOptions.Document;
    }
}
