using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Ncco.Analyzers.Tests.Verification;

/// <summary>Options of one verification.</summary>
public sealed class VerifyOptions
{
    public ImmutableArray<MetadataReference>? References { get; init; }

    /// <summary>Text of an .editorconfig placed beside the test source.</summary>
    public string? EditorConfig { get; init; }

    /// <summary>Also compare hidden diagnostics (NCCO040).</summary>
    public bool IncludeHidden { get; init; }

    /// <summary>Further source files compiled with the test source (stand-ins).</summary>
    public string[] ExtraSources { get; init; } = [];

    /// <summary>Only compare these ids (others the analyzers report are ignored).</summary>
    public string[]? OnlyIds { get; init; }
}

/// <summary>
/// Our own small analyzer verifier (Roslyn's testing packages are not available here): compiles markup source
/// against the running runtime's assemblies, runs analyzers through <see cref="CompilationWithAnalyzers"/>, and
/// compares the diagnostics' ids and spans with the markup.
/// </summary>
public static class Verify
{
    public const string FilePath = EditorConfig.Directory + "/Test.cs";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    /// <summary>Compiles <paramref name="source"/> (plus stand-ins) and fails on compiler errors.</summary>
    public static CSharpCompilation Compile(string source, VerifyOptions? options = null)
    {
        options ??= new VerifyOptions();
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(source, ParseOptions, FilePath, Encoding.UTF8) };
        for (var i = 0; i < options.ExtraSources.Length; i++)
        {
            trees.Add(CSharpSyntaxTree.ParseText(options.ExtraSources[i], ParseOptions, $"{EditorConfig.Directory}/Extra{i}.cs", Encoding.UTF8));
        }
        var compilationOptions = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
        if (options.EditorConfig is { } editorConfig)
        {
            compilationOptions = compilationOptions.WithSyntaxTreeOptionsProvider(new EditorConfig(editorConfig).TreeOptions(trees));
        }
        var compilation = CSharpCompilation.Create("TestProject", trees, options.References ?? References.All, compilationOptions);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "test source does not compile:\n" + string.Join("\n", errors));
        return compilation;
    }

    /// <summary>Runs analyzers over a compilation and returns their diagnostics, severities applied.</summary>
    public static ImmutableArray<Diagnostic> Run(CSharpCompilation compilation, DiagnosticAnalyzer[] analyzers, string? editorConfig = null)
    {
        var analyzerOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty,
            editorConfig is null ? EmptyOptions.Instance : new EditorConfig(editorConfig).AnalyzerOptions(compilation.SyntaxTrees));
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create(analyzers),
            new CompilationWithAnalyzersOptions(analyzerOptions, onAnalyzerException: (e, a, d) => throw new InvalidOperationException($"{a} threw on {d}", e),
                concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        var failures = diagnostics.Where(d => d.Id == "AD0001").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        return diagnostics;
    }

    /// <summary>Checks that the analyzers report exactly the marked diagnostics.</summary>
    public static ImmutableArray<Diagnostic> Diagnostics(string markup, DiagnosticAnalyzer analyzer, string? defaultId = null, VerifyOptions? options = null) =>
        Diagnostics(markup, [analyzer], defaultId, options);

    public static ImmutableArray<Diagnostic> Diagnostics(string markup, DiagnosticAnalyzer[] analyzers, string? defaultId = null, VerifyOptions? options = null)
    {
        options ??= new VerifyOptions();
        var (source, expected) = Markup.Parse(markup);
        var compilation = Compile(source, options);
        var actual = Run(compilation, analyzers, options.EditorConfig)
            .Where(d => d.Location.SourceTree?.FilePath == FilePath)
            .Where(d => options.IncludeHidden || d.Severity != DiagnosticSeverity.Hidden)
            .Where(d => options.OnlyIds is null || options.OnlyIds.Contains(d.Id))
            .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id)
            .ToImmutableArray();

        var expectedText = expected
            .Select(e => $"{e.Id ?? defaultId} {Describe(source, e.Span)}")
            .OrderBy(t => t, StringComparer.Ordinal).ToList();
        var actualText = actual
            .Select(d => $"{d.Id} {Describe(source, d.Location.SourceSpan)}")
            .OrderBy(t => t, StringComparer.Ordinal).ToList();
        if (!expectedText.SequenceEqual(actualText))
        {
            Assert.Fail("diagnostics differ\nexpected:\n  " + string.Join("\n  ", expectedText) + "\nactual:\n  "
                + string.Join("\n  ", actual.Select(d => $"{d.Id} {Describe(source, d.Location.SourceSpan)}: {d.GetMessage()}")));
        }
        return actual;
    }

    /// <summary>Checks that the analyzers report nothing (above hidden).</summary>
    public static void NoDiagnostics(string source, params DiagnosticAnalyzer[] analyzers) => Diagnostics(source, analyzers);

    private static string Describe(string source, TextSpan span)
    {
        var text = SourceText.From(source);
        var line = text.Lines.GetLinePosition(span.Start);
        return $"({line.Line + 1},{line.Character + 1}) \"{source.Substring(span.Start, span.Length)}\"";
    }

    private sealed class EmptyOptions : AnalyzerConfigOptionsProvider
    {
        public static readonly EmptyOptions Instance = new();
        public override AnalyzerConfigOptions GlobalOptions { get; } = new NoOptions();
        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => GlobalOptions;
        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => GlobalOptions;

        private sealed class NoOptions : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
            {
                value = null;
                return false;
            }
        }
    }
}
