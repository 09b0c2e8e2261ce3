using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ncco.Analyzers.Tests.Verification;

/// <summary>
/// Applies a real <c>.editorconfig</c> to a test compilation the way the compiler does: parsed with Roslyn's
/// <see cref="AnalyzerConfig"/>, severities through a <see cref="SyntaxTreeOptionsProvider"/>, other keys through
/// an <see cref="AnalyzerConfigOptionsProvider"/>.
/// </summary>
public sealed class EditorConfig
{
    public const string Directory = "/src";
    private readonly AnalyzerConfigSet _set;

    public EditorConfig(string text) =>
        _set = AnalyzerConfigSet.Create(ImmutableArray.Create(AnalyzerConfig.Parse(text, Directory + "/.editorconfig")));

    public AnalyzerConfigOptionsResult For(SyntaxTree tree) => _set.GetOptionsForSourcePath(tree.FilePath);

    public SyntaxTreeOptionsProvider TreeOptions(IEnumerable<SyntaxTree> trees) => new TreeOptionsProvider(trees.ToDictionary(t => t, For));

    public AnalyzerConfigOptionsProvider AnalyzerOptions(IEnumerable<SyntaxTree> trees) => new OptionsProvider(trees.ToDictionary(t => t, For));

    private sealed class TreeOptionsProvider(Dictionary<SyntaxTree, AnalyzerConfigOptionsResult> results) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.NotGenerated;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = default;
            return results.TryGetValue(tree, out var result) && result.TreeOptions.TryGetValue(diagnosticId, out severity);
        }

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = default;
            return false;
        }
    }

    private sealed class OptionsProvider(Dictionary<SyntaxTree, AnalyzerConfigOptionsResult> results) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(ImmutableDictionary<string, string>.Empty);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) =>
            results.TryGetValue(tree, out var result) ? new Options(result.AnalyzerOptions) : GlobalOptions;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => GlobalOptions;
    }

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
