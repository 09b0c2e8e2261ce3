using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Ncco.Analyzers.Floor.Tests;

/// <summary>
/// The analyzers promise Visual Studio 2022 17.8+ (Roslyn 4.8). This process runs Roslyn 4.8.0 itself; the analyzer
/// and code-fix assemblies are loaded from files, in their own load context, the way the compiler and the IDE load
/// them, and then used: a bad NCCO is reported and fixed.
/// </summary>
public sealed class FloorTests
{
    private static readonly string AnalyzerDirectory = Path.Combine(AppContext.BaseDirectory, "analyzers");
    private static readonly string[] AnalyzerFiles = ["Ncco.Analyzers.dll", "Ncco.Analyzers.CodeFixes.dll"];
    private static readonly Version Floor = new(4, 8, 0, 0);

    [Fact]
    public void This_process_runs_the_floor_roslyn()
    {
        Assert.Equal(Floor, typeof(Compilation).Assembly.GetName().Version);
        Assert.Equal(Floor, typeof(CSharpCompilation).Assembly.GetName().Version);
        Assert.Equal(Floor, typeof(Workspace).Assembly.GetName().Version);
    }

    /// <summary>
    /// An analyzer may reference nothing newer than Roslyn 4.8 itself references (System.Collections.Immutable 7,
    /// System.Reflection.Metadata 7, System.Composition 7…), since the IDE supplies those: on .NET 10 a newer
    /// reference would still load, so loading alone cannot prove it; the metadata can.
    /// </summary>
    [Theory]
    [InlineData("Ncco.Analyzers.dll")]
    [InlineData("Ncco.Analyzers.CodeFixes.dll")]
    public void References_nothing_newer_than_roslyn_4_8_brings(string file)
    {
        var allowed = new Dictionary<string, Version>(StringComparer.Ordinal) { ["netstandard"] = new(2, 0, 0, 0) };
        foreach (var roslyn in new[] { typeof(Compilation), typeof(CSharpCompilation), typeof(Workspace), typeof(Microsoft.CodeAnalysis.CSharp.Formatting.CSharpFormattingOptions) }.Select(t => t.Assembly).Distinct())
        {
            allowed[roslyn.GetName().Name!] = roslyn.GetName().Version!;
            foreach (var (name, version) in References(roslyn.Location))
            {
                if (!allowed.TryGetValue(name, out var known) || known < version) allowed[name] = version;
            }
        }

        var ours = References(Path.Combine(AnalyzerDirectory, file)).Where(r => !r.Name.StartsWith("Ncco.", StringComparison.Ordinal)).ToList();

        Assert.Contains(ours, r => r.Name == "Microsoft.CodeAnalysis");
        Assert.All(ours, r =>
        {
            Assert.True(allowed.TryGetValue(r.Name, out var max), $"{file} references {r.Name} {r.Version}, which Roslyn 4.8 does not bring");
            Assert.True(r.Version <= max, $"{file} references {r.Name} {r.Version}; Roslyn 4.8 brings {max}");
        });
    }

    [Fact]
    public async Task Analyzers_and_fixes_load_and_work_on_roslyn_4_8()
    {
        var context = new AssemblyLoadContext("ncco-analyzers", isCollectible: false);
        // Roslyn and the BCL come from the default context (the "IDE"); only Ncco's assemblies are loaded here.
        context.Resolving += (ctx, name) =>
        {
            var candidate = Path.Combine(AnalyzerDirectory, name.Name + ".dll");
            return File.Exists(candidate) ? ctx.LoadFromAssemblyPath(candidate) : null;
        };
        var loader = new ContextLoader(context);
        var analyzerReference = new AnalyzerFileReference(Path.Combine(AnalyzerDirectory, "Ncco.Analyzers.dll"), loader);
        var failures = new List<string>();
        analyzerReference.AnalyzerLoadFailed += (_, e) => failures.Add($"{e.ErrorCode}: {e.Message} {e.Exception}");
        var analyzers = analyzerReference.GetAnalyzers(LanguageNames.CSharp);
        Assert.Empty(failures);
        Assert.NotEmpty(analyzers);

        var fixes = context.LoadFromAssemblyPath(Path.Combine(AnalyzerDirectory, "Ncco.Analyzers.CodeFixes.dll"));
        var providers = fixes.GetTypes()
            .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttribute<ExportCodeFixProviderAttribute>() is not null)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToList();
        var provider = Assert.Single(providers);
        Assert.Contains("NCCO003", provider.FixableDiagnosticIds);

        const string Source = """
            public static class Menu
            {
                public static Ncco.Model.NccoDocument Answer() =>
                    Ncco.Model.NccoDocument.Parse(@"[{""action"":""talk"",""text"":""Hello"",""bargein"":true}]");
            }
            """;
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "App", "App", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
                parseOptions: new CSharpParseOptions(LanguageVersion.CSharp12),
                metadataReferences: UserReferences()))
            .AddDocument(documentId, "Menu.cs", SourceText.From(Source), filePath: "/app/Menu.cs");
        var document = solution.GetDocument(documentId)!;
        var compilation = (await document.Project.GetCompilationAsync())!;
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var diagnostics = await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();
        var unknown = Assert.Single(diagnostics, d => d.Id == "NCCO003");
        Assert.Contains("bargeIn", unknown.GetMessage(), StringComparison.Ordinal);

        var actions = new List<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, unknown, (a, _) => actions.Add(a), CancellationToken.None));
        var action = Assert.Single(actions);
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        var text = (await changed.GetDocument(documentId)!.GetTextAsync()).ToString();
        Assert.Contains(@"""""bargeIn"""":true", text, StringComparison.Ordinal);
        Assert.DoesNotContain("bargein", text, StringComparison.Ordinal);
    }

    // What a user's project compiles against: the BCL and Ncco.Runtime (which makes the analyzers switch on).
    private static ImmutableArray<MetadataReference> UserReferences()
    {
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return
        [
            .. tpa.Where(p => Path.GetFileName(p) is "System.Private.CoreLib.dll" or "System.Runtime.dll" or "netstandard.dll" or "System.Collections.dll" or "System.Text.Json.dll" or "System.Memory.dll")
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)),
            MetadataReference.CreateFromFile(typeof(Ncco.Model.NccoDocument).Assembly.Location),
        ];
    }

    private static List<(string Name, Version Version)> References(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return [.. metadata.AssemblyReferences.Select(h => metadata.GetAssemblyReference(h)).Select(r => (metadata.GetString(r.Name), r.Version))];
    }

    private sealed class ContextLoader(AssemblyLoadContext context) : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => context.LoadFromAssemblyPath(fullPath);
    }
}
