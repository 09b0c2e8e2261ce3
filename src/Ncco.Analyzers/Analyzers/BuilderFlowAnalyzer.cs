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
/// Flow rules over a whole NCCO built with the typed builder, in one fluent chain ending in <c>Build()</c>, or on
/// one local builder in straight-line statements of one method: bargeIn not followed by input, actions after
/// transfer, input without eventUrl (info), an empty NCCO.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BuilderFlowAnalyzer : DiagnosticAnalyzer
{
    private static readonly CheckOptions Flow = new(partial: true, lint: true, customActions: []);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.BargeInWithoutInput, Descriptors.Unreachable, Descriptors.NoEventUrl, Descriptors.Empty);

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
        var build = (IInvocationOperation)context.Operation;
        if (build.TargetMethod.Name != "Build" || !SymbolEqualityComparer.Default.Equals(build.TargetMethod.ContainingType, known.NccoBuilder)) return;

        var calls = new List<IInvocationOperation>();
        if (!CollectChain(build.Instance, calls, known, out var start)) return;
        if (start is ILocalReferenceOperation local)
        {
            // One local builder in one method: the statements before this one that call it, in order.
            if (!CollectStatements(local, build, calls, known)) return;
        }
        calls.Reverse();

        var items = new List<NNode>();
        foreach (var call in calls)
        {
            if (call.TargetMethod.Name is "Add" or "Custom") return; // an action we cannot see: no flow claims
            var action = BuilderModel.ReadAction(call, BuilderArgumentAnalyzer.NameSpan(call), []);
            if (action is not null) items.Add(action);
        }
        var nameSpan = BuilderArgumentAnalyzer.NameSpan(build);
        var ncco = new NNode(NodeKind.Array, nameSpan) { Items = items };
        var findings = SourceRules.ValidateDocument(ncco, Flow).Where(f => SupportedDescriptor(f.Descriptor));
        Reporting.Report(findings, build.Syntax.SyntaxTree, null, context.ReportDiagnostic, Format);
    }

    private static string Format(Finding finding) =>
        finding.Descriptor == Descriptors.Unreachable || finding.Descriptor == Descriptors.NoEventUrl ? finding.Message
        : finding.Descriptor == Descriptors.BargeInWithoutInput ? System.Text.RegularExpressions.Regex.Replace(finding.Message, @" at /\d+", string.Empty)
        : finding.Message;

    private static bool SupportedDescriptor(DiagnosticDescriptor descriptor) =>
        descriptor == Descriptors.BargeInWithoutInput || descriptor == Descriptors.Unreachable || descriptor == Descriptors.NoEventUrl || descriptor == Descriptors.Empty;

    /// <summary>Walks <c>Create().Talk().Input()</c> backwards; false when the chain starts somewhere unknown.</summary>
    private static bool CollectChain(IOperation? receiver, List<IInvocationOperation> calls, KnownSymbols known, out IOperation? start)
    {
        start = receiver;
        while (receiver is IInvocationOperation call && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, known.NccoBuilder))
        {
            if (call.TargetMethod.Name == "Create") return true;
            calls.Add(call);
            receiver = call.Instance;
            start = receiver;
        }
        return receiver is ILocalReferenceOperation;
    }

    private static bool CollectStatements(ILocalReferenceOperation reference, IInvocationOperation build, List<IInvocationOperation> calls, KnownSymbols known)
    {
        var local = reference.Local;
        var statement = build.Syntax.FirstAncestorOrSelf<StatementSyntax>();
        if (statement?.Parent is not BlockSyntax block || build.SemanticModel is null) return false;
        if (local.DeclaringSyntaxReferences.Length != 1 || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax declarator) return false;

        // Every use of the local must be in a top-level statement of this block: no branches, loops or escapes.
        var index = block.Statements.IndexOf(statement);
        var declaration = declarator.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>();
        if (declaration?.Parent != block) return false;
        var declarationIndex = block.Statements.IndexOf(declaration);
        foreach (var use in block.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (use.Identifier.ValueText != local.Name) continue;
            var owner = use.FirstAncestorOrSelf<StatementSyntax>(s => s.Parent == block);
            if (owner is null) return false;
            var at = block.Statements.IndexOf(owner);
            if (at > index) continue; // after the Build: does not change what was built
            if (owner is not ExpressionStatementSyntax && owner != statement) return false;
        }

        var ordered = new List<IInvocationOperation>();
        for (var i = index - 1; i > declarationIndex; i--)
        {
            if (block.Statements[i] is not ExpressionStatementSyntax expressionStatement) continue;
            if (build.SemanticModel.GetOperation(expressionStatement.Expression) is not IInvocationOperation call) continue;
            var chain = new List<IInvocationOperation>();
            if (!CollectChain(call, chain, known, out var start) || start is not ILocalReferenceOperation other || !SymbolEqualityComparer.Default.Equals(other.Local, local)) return false;
            ordered.AddRange(chain);
        }
        calls.AddRange(ordered);

        // The initializer: NccoBuilder.Create() possibly followed by calls.
        if (declarator.Initializer?.Value is not { } initializer || build.SemanticModel.GetOperation(initializer) is not IInvocationOperation first) return false;
        var initial = new List<IInvocationOperation>();
        if (!CollectChain(first, initial, known, out var origin) || origin is not null && origin is not IInvocationOperation) return false;
        calls.AddRange(initial);
        return true;
    }
}
