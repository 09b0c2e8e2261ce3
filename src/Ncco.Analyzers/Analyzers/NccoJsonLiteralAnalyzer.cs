using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Ncco.Analyzers.CSharp;
using Ncco.Analyzers.Json;
using Ncco.Analyzers.Model;

namespace Ncco.Analyzers.Analyzers;

/// <summary>
/// NCCO JSON in string literals: literals passed to <c>NccoDocument.Parse/TryParse</c>, <c>NccoParser.Parse</c> and
/// <c>NccoValidator.Validate</c> (directly or through a constant or local), and literals marked <c>// lang=ncco</c>.
/// Reports JSON syntax errors and every rule of the table at the exact characters inside the literal.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NccoJsonLiteralAnalyzer : DiagnosticAnalyzer
{
    private static readonly Regex LangComment = new(@"lang\s*=\s*ncco\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.InvalidJson, Descriptors.UnknownAction, Descriptors.UnknownProperty, Descriptors.UrlNotArray, Descriptors.MissingRequired,
        Descriptors.WrongType, Descriptors.OutOfRange, Descriptors.NotAllowed, Descriptors.BadFormat, Descriptors.Conflict, Descriptors.TalkStyle,
        Descriptors.Length, Descriptors.Duplicate, Descriptors.BargeInWithoutInput, Descriptors.Unreachable, Descriptors.NoEventUrl, Descriptors.Empty,
        Descriptors.UseBuilder);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var known = KnownSymbols.Create(start.Compilation);
            if (!known.HasRuntime && !known.HasAspNet) return;
            var done = new ConcurrentDictionary<(SyntaxTree, int), bool>();

            if (known.HasRuntime)
            {
                start.RegisterOperationAction(c => AnalyzeInvocation(c, known, done), OperationKind.Invocation);
            }
            start.RegisterSyntaxNodeAction(c =>
            {
                if (HasLangComment(c.Node)) Analyze((ExpressionSyntax)c.Node, c.SemanticModel, c.Options, c.ReportDiagnostic, done, c.CancellationToken);
            }, SyntaxKind.StringLiteralExpression, SyntaxKind.InterpolatedStringExpression);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols known, ConcurrentDictionary<(SyntaxTree, int), bool> done)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name is not ("Parse" or "TryParse" or "Validate")) return;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is null || !known.IsNccoJsonParameter(method, argument.Parameter)) continue;
            var value = argument.Value;
            while (value is IConversionOperation conversion) value = conversion.Operand;
            // NccoDocument.Parse("…literal…") as a whole can become a builder chain.
            var replace = method.Name == "Parse" && SymbolEqualityComparer.Default.Equals(method.ContainingType, known.NccoDocument)
                && invocation.Arguments.Count(a => a.ArgumentKind == ArgumentKind.Explicit) == 1 && value is ILiteralOperation
                ? invocation.Syntax
                : null;
            var expression = value switch
            {
                ILiteralOperation or IInterpolatedStringOperation => value.Syntax as ExpressionSyntax,
                ILocalReferenceOperation local => Initializer(local.Local, context.CancellationToken),
                IFieldReferenceOperation field when field.Field.IsConst || field.Field.IsReadOnly => Initializer(field.Field, context.CancellationToken),
                _ => null,
            };
            if (expression is null) continue;
            // A constant declared in another file: its interpolation holes (constants too) are read as unknown.
            var model = expression.SyntaxTree == invocation.Syntax.SyntaxTree ? invocation.SemanticModel : null;
            Analyze(expression, model, context.Options, context.ReportDiagnostic, done, context.CancellationToken, replace);
        }
    }

    private static ExpressionSyntax? Initializer(ISymbol symbol, CancellationToken cancellationToken)
    {
        if (symbol.DeclaringSyntaxReferences.Length != 1) return null;
        if (symbol.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax declarator) return null;
        if (symbol is ILocalSymbol { IsConst: false } && declarator.Parent?.Parent is LocalDeclarationStatementSyntax statement
            && IsReassigned(statement, symbol.Name)) return null;
        var value = declarator.Initializer?.Value;
        while (value is ParenthesizedExpressionSyntax parenthesized) value = parenthesized.Expression;
        return value is LiteralExpressionSyntax or InterpolatedStringExpressionSyntax ? value : null;
    }

    /// <summary>A conservative check that a local is assigned only where it is declared.</summary>
    private static bool IsReassigned(LocalDeclarationStatementSyntax statement, string name)
    {
        var scope = statement.Parent;
        if (scope is null) return true;
        foreach (var assignment in scope.DescendantNodes().OfType<AssignmentExpressionSyntax>())
        {
            if (assignment.Left is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == name) return true;
        }
        return false;
    }

    private static bool HasLangComment(SyntaxNode literal)
    {
        // The comment may sit right before the literal (/*lang=ncco*/ "…"), or before the statement, member or
        // argument holding it.
        if (HasLangComment(literal.GetFirstToken().GetPreviousToken().TrailingTrivia)) return true;
        for (SyntaxNode? node = literal; node is not null; node = node.Parent)
        {
            if (node.HasLeadingTrivia && HasLangComment(node.GetLeadingTrivia())) return true;
            if (node is StatementSyntax or MemberDeclarationSyntax or ArgumentSyntax) break;
        }
        return false;
    }

    private static bool HasLangComment(SyntaxTriviaList trivia)
    {
        foreach (var item in trivia)
        {
            if ((item.IsKind(SyntaxKind.SingleLineCommentTrivia) || item.IsKind(SyntaxKind.MultiLineCommentTrivia)) && LangComment.IsMatch(item.ToString())) return true;
        }
        return false;
    }

    internal static void Analyze(ExpressionSyntax expression, SemanticModel? model, AnalyzerOptions options, Action<Diagnostic> report,
        ConcurrentDictionary<(SyntaxTree, int), bool> done, CancellationToken cancellationToken, SyntaxNode? replace = null)
    {
        if (!done.TryAdd((expression.SyntaxTree, expression.SpanStart), true)) return;
        var literal = LiteralText.From(expression, model, cancellationToken);
        if (literal is null) return;
        var root = JsonSpanParser.Parse(literal.Text, literal.Map, out var error);
        if (root is null)
        {
            var span = literal.Map(error!.Offset, error.Offset + error.Length);
            var properties = ImmutableDictionary<string, string?>.Empty.SetItem(Reporting.CodeProperty, Rules.ErrorCodes.InvalidJson).SetItem(Reporting.PointerProperty, string.Empty);
            report(Diagnostic.Create(Descriptors.InvalidJson, Location.Create(expression.SyntaxTree, span), properties, "not valid JSON " + error.Message));
            return;
        }
        var findings = SourceRules.ValidateDocument(root, Reporting.DocumentOptions(options, expression.SyntaxTree));
        Reporting.Report(findings, expression.SyntaxTree, new JsonFixWriter(literal), report);
        if (replace is not null) UseBuilder.TryReport(root, findings, replace, _ => null, report);
    }
}
