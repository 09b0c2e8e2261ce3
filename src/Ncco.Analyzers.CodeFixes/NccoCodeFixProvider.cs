using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Ncco.Analyzers.Model;

namespace Ncco.Analyzers.CodeFixes;

/// <summary>
/// Applies the fixes the analyzers attach to their diagnostics: wrap a bare eventUrl/streamUrl in an array, fix a
/// property's casing, add the missing <c>type</c> to input, remove the conflicting option, and (NCCO040) rewrite an
/// anonymous-object or JSON NCCO with the typed builder. The analyzers compute the exact edits (only they know the
/// character map of a string literal); this provider applies them.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NccoCodeFixProvider)), Shared]
public sealed class NccoCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        Descriptors.UnknownProperty.Id, Descriptors.UrlNotArray.Id, Descriptors.MissingRequired.Id, Descriptors.WrongType.Id,
        Descriptors.Conflict.Id, Descriptors.UseBuilder.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!FixProperties.TryDecode(diagnostic.Properties, out var title, out var key, out var edits)) continue;
            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(title, cancellationToken => ApplyAsync(document, edits, cancellationToken), key),
                diagnostic);
        }
        return Task.CompletedTask;
    }

    private static async Task<Document> ApplyAsync(Document document, List<SourceEdit> edits, CancellationToken cancellationToken)
    {
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var changes = edits.Select(e => new TextChange(e.Span, e.Text)).OrderBy(c => c.Span.Start);
        return document.WithText(text.WithChanges(changes));
    }
}
