using Microsoft.CodeAnalysis;

namespace Ncco.Analyzers;

/// <summary>
/// The types the analyzers look for, resolved once per compilation. When a compilation references neither
/// Ncco.Runtime nor ASP.NET Core, the analyzers register nothing and cost nothing.
/// </summary>
internal sealed class KnownSymbols
{
    private KnownSymbols(Compilation compilation)
    {
        NccoBuilder = compilation.GetTypeByMetadataName("Ncco.NccoBuilder");
        Endpoint = compilation.GetTypeByMetadataName("Ncco.Model.Endpoints.CallEndpoint");
        NccoDocument = compilation.GetTypeByMetadataName("Ncco.Model.NccoDocument");
        NccoParser = compilation.GetTypeByMetadataName("Ncco.Serialization.NccoParser");
        NccoValidator = compilation.GetTypeByMetadataName("Ncco.Validation.NccoValidator");
        Results = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.Results");
        TypedResults = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.TypedResults");
        ResponseJson = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.HttpResponseJsonExtensions");
        ControllerBase = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.ControllerBase");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
    }

    public INamedTypeSymbol? NccoBuilder { get; }
    public INamedTypeSymbol? Endpoint { get; }
    public INamedTypeSymbol? NccoDocument { get; }
    public INamedTypeSymbol? NccoParser { get; }
    public INamedTypeSymbol? NccoValidator { get; }
    public INamedTypeSymbol? Results { get; }
    public INamedTypeSymbol? TypedResults { get; }
    public INamedTypeSymbol? ResponseJson { get; }
    public INamedTypeSymbol? ControllerBase { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? TaskOfT { get; }
    public INamedTypeSymbol? ValueTask { get; }
    public INamedTypeSymbol? ValueTaskOfT { get; }

    /// <summary>The compilation references Ncco.Runtime (or is it).</summary>
    public bool HasRuntime => NccoBuilder is not null || NccoDocument is not null;

    /// <summary>The compilation references ASP.NET Core (minimal APIs or MVC).</summary>
    public bool HasAspNet => Results is not null || TypedResults is not null || ControllerBase is not null;

    public static KnownSymbols Create(Compilation compilation) => new(compilation);

    /// <summary>Whether <paramref name="method"/> takes NCCO JSON in <paramref name="parameter"/>.</summary>
    public bool IsNccoJsonParameter(IMethodSymbol method, IParameterSymbol parameter)
    {
        if (parameter.Type.SpecialType != SpecialType.System_String || parameter.Name != "json") return false;
        var type = method.ContainingType?.OriginalDefinition;
        return type is not null && (SymbolEqualityComparer.Default.Equals(type, NccoDocument)
            || SymbolEqualityComparer.Default.Equals(type, NccoParser)
            || SymbolEqualityComparer.Default.Equals(type, NccoValidator));
    }

    public bool IsTaskLike(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol named) return false;
        var original = named.OriginalDefinition;
        return SymbolEqualityComparer.Default.Equals(original, Task) || SymbolEqualityComparer.Default.Equals(original, TaskOfT)
            || SymbolEqualityComparer.Default.Equals(original, ValueTask) || SymbolEqualityComparer.Default.Equals(original, ValueTaskOfT)
            || InheritsFrom(named, Task);
    }

    public static bool InheritsFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType is null) return false;
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType)) return true;
        }
        return false;
    }
}
