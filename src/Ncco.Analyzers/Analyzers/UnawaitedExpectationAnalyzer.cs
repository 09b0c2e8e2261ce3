using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Ncco.Analyzers.Analyzers;

/// <summary>
/// An expectation of the virtual caller (<c>await call.Hears("sales")</c>) whose Task is dropped: the test neither
/// waits for it nor fails when it is not met. An expectation is a Task/ValueTask-returning method declared on a
/// type in the <c>Ncco.Testing</c> namespace, or any method marked <c>[Ncco.Testing.Expectation]</c>. Explicit
/// discards (<c>_ = call.Hears(…)</c>) are deliberate and not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnawaitedExpectationAnalyzer : DiagnosticAnalyzer
{
    private const string TestingNamespace = "Ncco.Testing";
    private const string AttributeName = "ExpectationAttribute";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NotAwaited);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (!ReferencesTesting(start.Compilation)) return;
            var known = KnownSymbols.Create(start.Compilation);
            start.RegisterOperationAction(c => Analyze(c, known), OperationKind.ExpressionStatement);
        });
    }

    /// <summary>Ncco.Testing referenced as an assembly, or declared in this compilation's source (the library itself, or a stand-in).</summary>
    private static bool ReferencesTesting(Compilation compilation)
    {
        if (compilation.AssemblyName?.StartsWith(TestingNamespace, StringComparison.Ordinal) == true) return true;
        foreach (var name in compilation.ReferencedAssemblyNames)
        {
            if (name.Name.StartsWith(TestingNamespace, StringComparison.Ordinal)) return true;
        }
        return compilation.GetTypeByMetadataName(TestingNamespace + "." + AttributeName) is not null
            || compilation.Assembly.GlobalNamespace.GetNamespaceMembers().FirstOrDefault(n => n.Name == "Ncco")?.GetNamespaceMembers().Any(n => n.Name == "Testing") == true;
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols known)
    {
        var statement = (IExpressionStatementOperation)context.Operation;
        var value = statement.Operation;
        while (value is IConversionOperation conversion) value = conversion.Operand;
        if (value is not IInvocationOperation invocation) return;
        var method = invocation.TargetMethod;
        if (!known.IsTaskLike(method.ReturnType) && !IsAwaitable(method.ReturnType)) return;
        if (!IsExpectation(method)) return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NotAwaited, invocation.Syntax.GetLocation(), method.Name));
    }

    /// <summary>
    /// Any type that follows the awaitable pattern (an accessible parameterless instance <c>GetAwaiter()</c>), like
    /// the virtual caller's own <c>Expectation</c>, which does nothing until it is awaited.
    /// </summary>
    private static bool IsAwaitable(ITypeSymbol? type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            foreach (var member in t.GetMembers("GetAwaiter"))
            {
                if (member is IMethodSymbol { IsStatic: false, Parameters.Length: 0, DeclaredAccessibility: Accessibility.Public, ReturnsVoid: false }) return true;
            }
        }
        return false;
    }

    private static bool IsExpectation(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: AttributeName } type && type.ContainingNamespace?.ToDisplayString() == TestingNamespace) return true;
        }
        var original = method.ReducedFrom ?? method;
        var ns = original.ContainingType?.ContainingNamespace?.ToDisplayString();
        return ns is not null && (ns == TestingNamespace || ns.StartsWith(TestingNamespace + ".", StringComparison.Ordinal));
    }
}
