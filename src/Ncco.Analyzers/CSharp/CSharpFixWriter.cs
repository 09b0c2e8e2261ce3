using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Ncco.Analyzers.Model;

namespace Ncco.Analyzers.CSharp;

/// <summary>Writes fixes as C# edits: anonymous-object members and builder arguments.</summary>
internal sealed class CSharpFixWriter : IFixWriter
{
    public static readonly CSharpFixWriter Instance = new();

    public (string Title, string Key, List<SourceEdit> Edits)? Write(FixRequest request)
    {
        switch (request.Kind)
        {
            case FixKind.WrapInArray when request.Node?.Tag is ExpressionSyntax value:
                return ("Wrap the value in an array", "ncco.wrap",
                [
                    new SourceEdit(new TextSpan(value.SpanStart, 0), "new[] { "),
                    new SourceEdit(new TextSpan(value.Span.End, 0), " }"),
                ]);

            case FixKind.Rename when request.Member?.Tag is AnonymousObjectMemberDeclaratorSyntax declarator && request.Text is { } name:
                return declarator.NameEquals is { } nameEquals
                    ? ($"Rename to '{name}'", "ncco.rename", [new SourceEdit(nameEquals.Name.Span, name)])
                    : ($"Rename to '{name}'", "ncco.rename", [new SourceEdit(new TextSpan(declarator.SpanStart, 0), name + " = ")]);

            case FixKind.Remove when request.Member?.Tag is AnonymousObjectMemberDeclaratorSyntax declarator
                && declarator.Parent is AnonymousObjectCreationExpressionSyntax anonymous:
                return ($"Remove '{request.Member.Name}'", "ncco.remove", [new SourceEdit(RemovalSpan(anonymous.Initializers, declarator), string.Empty)]);

            case FixKind.Remove when request.Member?.Tag is ArgumentSyntax argument && argument.Parent is ArgumentListSyntax list:
                return ($"Remove '{request.Member.Name}'", "ncco.remove", [new SourceEdit(RemovalSpan(list.Arguments, argument), string.Empty)]);

            case FixKind.AddInputType when request.Node?.Tag is AnonymousObjectCreationExpressionSyntax anonymous && request.Items is { } items:
                var action = request.Node.Member("action")?.Tag as AnonymousObjectMemberDeclaratorSyntax;
                var text = "type = new[] { " + string.Join(", ", items.Select(i => "\"" + i + "\"")) + " }";
                if (action is null) return null;
                return ($"Add {text}", "ncco.addtype", [new SourceEdit(new TextSpan(action.Span.End, 0), ", " + text)]);
        }
        return null;
    }

    /// <summary>The item and the separator that goes with it (the following one, or the preceding one for the last item).</summary>
    private static TextSpan RemovalSpan<T>(SeparatedSyntaxList<T> list, T item) where T : SyntaxNode
    {
        var index = list.IndexOf(item);
        if (index + 1 < list.Count) return TextSpan.FromBounds(item.SpanStart, list[index + 1].SpanStart);
        if (index > 0) return TextSpan.FromBounds(list[index - 1].Span.End, item.Span.End);
        return item.Span;
    }
}
