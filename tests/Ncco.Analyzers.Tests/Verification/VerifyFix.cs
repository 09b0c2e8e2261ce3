using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Ncco.Analyzers.CodeFixes;

namespace Ncco.Analyzers.Tests.Verification;

/// <summary>
/// Applies code fixes in an <see cref="AdhocWorkspace"/> and compares the text before and after, like Roslyn's
/// CodeFixVerifier: every diagnostic with the id is fixed, one at a time, re-analysing after each fix.
/// </summary>
public static class VerifyFix
{
    public static void Apply(string before, string after, DiagnosticAnalyzer analyzer, string id, VerifyOptions? options = null, string? title = null)
    {
        options ??= new VerifyOptions();
        // The source must compile before the fix (after it too, checked below).
        Verify.Compile(before, options);
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "TestProject", "TestProject", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: Verify.ParseOptions,
                metadataReferences: options.References ?? References.All));
        var documentId = DocumentId.CreateNewId(projectId);
        solution = solution.AddDocument(documentId, "Test.cs", SourceText.From(before), filePath: Verify.FilePath);
        for (var i = 0; i < options.ExtraSources.Length; i++)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), $"Extra{i}.cs", SourceText.From(options.ExtraSources[i]), filePath: $"/src/Extra{i}.cs");
        }

        var provider = new NccoCodeFixProvider();
        var applied = 0;
        for (var round = 0; round < 20; round++)
        {
            var document = solution.GetDocument(documentId)!;
            var compilation = (CSharpCompilation)document.Project.GetCompilationAsync().GetAwaiter().GetResult()!;
            var diagnostics = Verify.Run(compilation, [analyzer])
                .Where(d => d.Id == id && d.Location.SourceTree?.FilePath == Verify.FilePath)
                .OrderBy(d => d.Location.SourceSpan.Start)
                .ToList();
            CodeAction? action = null;
            foreach (var diagnostic in diagnostics)
            {
                var actions = new List<CodeAction>();
                var context = new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None);
                provider.RegisterCodeFixesAsync(context).GetAwaiter().GetResult();
                action = actions.FirstOrDefault(a => title is null || a.Title == title);
                if (action is not null) break;
            }
            if (action is null) break;
            var operations = action.GetOperationsAsync(CancellationToken.None).GetAwaiter().GetResult();
            solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            applied++;
        }

        Assert.True(applied > 0, $"no code fix was offered for {id}");
        var actual = solution.GetDocument(documentId)!.GetTextAsync().GetAwaiter().GetResult().ToString();
        Assert.Equal(after.ReplaceLineEndings(), actual.ReplaceLineEndings());
        Verify.Compile(actual, options);
    }

    /// <summary>Checks that the diagnostic offers no fix.</summary>
    public static void None(string source, DiagnosticAnalyzer analyzer, string id, VerifyOptions? options = null)
    {
        var compilation = Verify.Compile(source, options);
        var diagnostics = Verify.Run(compilation, [analyzer]).Where(d => d.Id == id).ToList();
        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, d => Assert.False(d.Properties.ContainsKey("NccoFixTitle"), "a fix was offered for " + d));
    }
}
