using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using Ncco.Analyzers.CSharp;
using Ncco.Analyzers.Model;
using Ncco.Rules;

namespace Ncco.Analyzers.Analyzers;

/// <summary>
/// Constant arguments of the typed builder and the endpoint factories: ranges, allowed values, languages and
/// styles, URLs, E.164 numbers, SIP and WebSocket URIs, and the cross-field rules (mute with canSpeak, from with
/// randomFromNumber, DTMF settings without DTMF in type, channels without split), each at the argument.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BuilderArgumentAnalyzer : DiagnosticAnalyzer
{
    private static readonly CheckOptions Partial = new(partial: true, lint: false, customActions: []);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.UrlNotArray, Descriptors.WrongType, Descriptors.OutOfRange, Descriptors.NotAllowed, Descriptors.BadFormat,
        Descriptors.Conflict, Descriptors.TalkStyle, Descriptors.Length, Descriptors.Duplicate);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var known = KnownSymbols.Create(start.Compilation);
            if (known.NccoBuilder is null) return;
            start.RegisterOperationAction(c => Analyze(c, known), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols known)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var type = invocation.TargetMethod.ContainingType;
        var parameterOfSpan = new Dictionary<TextSpan, string>();
        List<Finding> findings;
        if (SymbolEqualityComparer.Default.Equals(type, known.NccoBuilder))
        {
            var action = BuilderModel.ReadAction(invocation, NameSpan(invocation), parameterOfSpan);
            if (action is null || action.Members!.Count == 1) return;
            findings = SourceRules.ValidateAction(action, Partial);
        }
        else if (SymbolEqualityComparer.Default.Equals(type, known.Endpoint))
        {
            if (BuilderModel.ReadEndpoint(invocation, parameterOfSpan) is not { } endpoint || endpoint.Node.Members!.Count == 0) return;
            findings = SourceRules.ValidateObject(endpoint.Node, NccoRuleTable.FindEndpoint(endpoint.Type)!, Partial);
        }
        else
        {
            return;
        }
        Reporting.Report(findings, invocation.Syntax.SyntaxTree, CSharpFixWriter.Instance, context.ReportDiagnostic,
            f => (parameterOfSpan.TryGetValue(f.Span, out var parameter) ? parameter : f.Pointer.TrimStart('/')) + ": " + f.Message);
    }

    /// <summary>The method name in <c>builder.Talk(…)</c>.</summary>
    internal static TextSpan NameSpan(IInvocationOperation invocation) => invocation.Syntax is InvocationExpressionSyntax call
        ? call.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Span,
            MemberBindingExpressionSyntax binding => binding.Name.Span,
            var other => other.Span,
        }
        : invocation.Syntax.Span;
}
