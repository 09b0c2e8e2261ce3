using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Ncco.Analyzers.CSharp;
using Ncco.Analyzers.Model;
using Ncco.Rules;

namespace Ncco.Analyzers.Analyzers;

/// <summary>
/// NCCOs written as anonymous objects and returned from ASP.NET Core endpoints — the most common way in the wild
/// and the most error-prone: <c>Results.Json/Ok(…)</c>, <c>TypedResults.Json/Ok(…)</c>, <c>Response.WriteAsJsonAsync(…)</c>,
/// controller <c>Ok/Json(…)</c>, and values returned from minimal-API lambdas or controller actions. An array
/// (or list) counts as an NCCO when one of its items is an anonymous object with an <c>action</c> member.
/// Member names go through ASP.NET Core's default camelCase policy first, as they do on the wire.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AnonymousObjectNccoAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.UnknownAction, Descriptors.UnknownProperty, Descriptors.UrlNotArray, Descriptors.MissingRequired,
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
            if (!known.HasAspNet) return;
            var done = new ConcurrentDictionary<(SyntaxTree, int), bool>();
            start.RegisterOperationAction(c => AnalyzeInvocation(c, known, done), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzeCreation(c, known, done), OperationKind.ObjectCreation);
            start.RegisterOperationAction(c => AnalyzeReturn(c, known, done), OperationKind.Return);
            start.RegisterOperationAction(c => AnalyzeStandaloneAction(c, known, done), OperationKind.AnonymousObjectCreation);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols known, ConcurrentDictionary<(SyntaxTree, int), bool> done)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var type = invocation.TargetMethod.ContainingType?.OriginalDefinition;
        if (type is null) return;
        var isResultFactory = SymbolEqualityComparer.Default.Equals(type, known.Results) || SymbolEqualityComparer.Default.Equals(type, known.TypedResults)
            || SymbolEqualityComparer.Default.Equals(type, known.ResponseJson) || KnownSymbols.InheritsFrom(type, known.ControllerBase);
        if (!isResultFactory) return;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name is "value" or "data" && !argument.IsImplicit) Analyze(argument.Value, context, known, done, replaceable: true);
        }
    }

    private static void AnalyzeCreation(OperationAnalysisContext context, KnownSymbols known, ConcurrentDictionary<(SyntaxTree, int), bool> done)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        var type = creation.Type;
        if (type is null || type.ContainingNamespace?.ToDisplayString() != "Microsoft.AspNetCore.Mvc") return;
        if (type.Name is not ("JsonResult" or "OkObjectResult" or "ObjectResult")) return;
        foreach (var argument in creation.Arguments)
        {
            if (argument.Parameter?.Name is "value" && !argument.IsImplicit) Analyze(argument.Value, context, known, done, replaceable: true);
        }
    }

    private static void AnalyzeReturn(OperationAnalysisContext context, KnownSymbols known, ConcurrentDictionary<(SyntaxTree, int), bool> done)
    {
        var returned = ((IReturnOperation)context.Operation).ReturnedValue;
        if (returned is null || !IsEndpointReturn(context.Operation, context.ContainingSymbol, known, out var inLambda)) return;
        // The builder's NccoDocument can replace the value where it is converted to object, or where a lambda infers its type.
        var replaceable = returned is IConversionOperation { Type.SpecialType: SpecialType.System_Object } || inLambda && returned is not IConversionOperation;
        Analyze(returned, context, known, done, replaceable);
    }

    /// <summary>A return from a lambda given to an ASP.NET Core method (MapGet, MapPost, …) or from a controller action.</summary>
    /// <summary>
    /// An anonymous object whose constant <c>action</c> names an NCCO action is an NCCO action wherever it is built —
    /// typically in a helper that returns <c>object[]</c> or fills a <c>List&lt;object&gt;</c> that an endpoint returns
    /// later. Such objects get the per-action rules; the whole-document rules (bargeIn sequence, empty NCCO) need the
    /// array and stay with the endpoint path, which also owns any object it sees, so nothing is reported twice.
    /// </summary>
    private static void AnalyzeStandaloneAction(OperationAnalysisContext context, KnownSymbols known, ConcurrentDictionary<(SyntaxTree, int), bool> done)
    {
        var creation = (IAnonymousObjectCreationOperation)context.Operation;
        if (creation.Syntax is not AnonymousObjectCreationExpressionSyntax syntax || creation.SemanticModel is null) return;
        if (!HasConstantActionName(creation)) return;
        if (IsCoveredByEndpointPath(creation, context.ContainingSymbol, known)) return;
        if (!done.TryAdd((syntax.SyntaxTree, syntax.SpanStart), true)) return;

        var reader = new CSharpValueReader(creation.SemanticModel, camelCase: true, context.CancellationToken);
        var action = reader.Read(creation);
        var findings = SourceRules.ValidateAction(action, Reporting.DocumentOptions(context.Options, syntax.SyntaxTree));
        Reporting.Report(findings, syntax.SyntaxTree, CSharpFixWriter.Instance, context.ReportDiagnostic);
    }

    /// <summary>
    /// A constant <c>action</c> naming an NCCO action, plus at least one other property that action defines: an object
    /// like <c>new { action = "connect", userId = 5 }</c> in logging code is not mistaken for an NCCO.
    /// </summary>
    private static bool HasConstantActionName(IAnonymousObjectCreationOperation creation)
    {
        Rules.ObjectRule? rule = null;
        foreach (var initializer in creation.Initializers)
        {
            if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "action" or "Action" }, Value.ConstantValue: { HasValue: true, Value: string name } })
            {
                rule = Rules.NccoRuleTable.FindAction(name);
            }
        }
        if (rule is null) return false;
        foreach (var initializer in creation.Initializers)
        {
            if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: var member } }
                && member is not ("action" or "Action")
                && rule.Find(CamelCase(member)) is not null)
            {
                return true;
            }
        }
        return false;
    }

    private static string CamelCase(string name) =>
        name.Length > 0 && char.IsUpper(name[0]) ? char.ToLowerInvariant(name[0]) + name.Substring(1) : name;

    /// <summary>True when an enclosing expression is one the endpoint path analyzes as a whole document.</summary>
    private static bool IsCoveredByEndpointPath(IOperation operation, ISymbol containingSymbol, KnownSymbols known)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case IAnonymousObjectCreationOperation outer when HasConstantActionName(outer):
                    return true; // nested inside another action: that action's own analysis covers it
                case IReturnOperation @return when IsEndpointReturn(@return, containingSymbol, known, out _):
                    return true;
                case IArgumentOperation { Parent: IInvocationOperation invocation } when IsResultFactory(invocation.TargetMethod.ContainingType?.OriginalDefinition, known):
                    return true;
                case IArgumentOperation { Parent: IObjectCreationOperation { Type: { } created } } when IsMvcResult(created):
                    return true;
                case IVariableDeclaratorOperation:
                    // A local holding the NCCO may be returned from an endpoint later; the endpoint path follows locals.
                    return IsInsideEndpoint(parent, containingSymbol, known);
                case IAnonymousFunctionOperation or ILocalFunctionOperation or IMethodBodyOperation:
                    return false;
            }
        }
        return false;
    }

    private static bool IsInsideEndpoint(IOperation operation, ISymbol containingSymbol, KnownSymbols known)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation)
            {
                var outer = parent.Parent;
                while (outer is IDelegateCreationOperation or IConversionOperation) outer = outer.Parent;
                return outer is IArgumentOperation { Parent: IInvocationOperation invocation }
                    && invocation.TargetMethod.ContainingNamespace?.ToDisplayString().StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) == true;
            }
            if (parent is ILocalFunctionOperation) return false;
        }
        return containingSymbol is IMethodSymbol { DeclaredAccessibility: Accessibility.Public, IsStatic: false } method
            && KnownSymbols.InheritsFrom(method.ContainingType, known.ControllerBase);
    }

    private static bool IsResultFactory(INamedTypeSymbol? type, KnownSymbols known) =>
        type is not null
        && (SymbolEqualityComparer.Default.Equals(type, known.Results) || SymbolEqualityComparer.Default.Equals(type, known.TypedResults)
            || SymbolEqualityComparer.Default.Equals(type, known.ResponseJson) || KnownSymbols.InheritsFrom(type, known.ControllerBase));

    private static bool IsMvcResult(ITypeSymbol type) =>
        type.ContainingNamespace?.ToDisplayString() == "Microsoft.AspNetCore.Mvc" && type.Name is "JsonResult" or "OkObjectResult" or "ObjectResult";

    private static bool IsEndpointReturn(IOperation operation, ISymbol containingSymbol, KnownSymbols known, out bool inLambda)
    {
        inLambda = false;
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation)
            {
                inLambda = true;
                break;
            }
            if (parent is ILocalFunctionOperation) return false;
        }
        return IsInsideEndpoint(operation, containingSymbol, known);
    }

    private static void Analyze(IOperation value, OperationAnalysisContext context, KnownSymbols known, ConcurrentDictionary<(SyntaxTree, int), bool> done, bool replaceable)
    {
        while (value is IConversionOperation conversion) value = conversion.Operand;
        ExpressionSyntax? expression = value.Syntax as ExpressionSyntax;
        if (value is ILocalReferenceOperation local)
        {
            expression = LocalInitializer(local.Local, context.CancellationToken);
            replaceable = false;
        }
        if (expression is null || !MayBeNcco(expression)) return;
        if (expression.SyntaxTree != value.Syntax.SyntaxTree || value.SemanticModel is null) return;
        if (!done.TryAdd((expression.SyntaxTree, expression.SpanStart), true)) return;

        var reader = new CSharpValueReader(value.SemanticModel, camelCase: true, context.CancellationToken);
        var root = value.Syntax == expression ? reader.Read(value) : reader.Read(expression);
        if (!LooksLikeNcco(root)) return;
        var findings = SourceRules.ValidateDocument(root, Reporting.DocumentOptions(context.Options, expression.SyntaxTree));
        Reporting.Report(findings, expression.SyntaxTree, CSharpFixWriter.Instance, context.ReportDiagnostic);
        if (replaceable && known.NccoBuilder is not null)
        {
            UseBuilder.TryReport(root, findings, expression, node => node.Tag is SyntaxNode syntax ? syntax.ToString() : null, context.ReportDiagnostic);
        }
    }

    private static ExpressionSyntax? LocalInitializer(ILocalSymbol local, CancellationToken cancellationToken)
    {
        if (local.DeclaringSyntaxReferences.Length != 1) return null;
        return local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax declarator ? declarator.Initializer?.Value : null;
    }

    /// <summary>A cheap syntax test before any semantic work: the value contains an anonymous object.</summary>
    private static bool MayBeNcco(ExpressionSyntax expression) =>
        expression is AnonymousObjectCreationExpressionSyntax
        || expression.DescendantNodes(n => n is not LambdaExpressionSyntax).OfType<AnonymousObjectCreationExpressionSyntax>().Any();

    /// <summary>An array holding an object with an <c>action</c> member, or such an object alone (itself a mistake).</summary>
    private static bool LooksLikeNcco(NNode root)
    {
        if (root.Kind == NodeKind.Object) return root.Member("action") is { Value: { Kind: NodeKind.String, Known: true } name } && Rules.NccoRuleTable.FindAction(name.Text!) is not null;
        if (root.Kind != NodeKind.Array || root.Items is null) return false;
        foreach (var item in root.Items)
        {
            if (item.Kind == NodeKind.Object && item.Member("action") is not null) return true;
        }
        return false;
    }
}
