using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Ncco.Analyzers.Tests.Verification;

/// <summary>Metadata references for test compilations: the running runtime's trusted platform assemblies.</summary>
public static class References
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Framework = new(() => Load(_ => true));

    /// <summary>Everything: .NET, ASP.NET Core (real shared framework), Ncco.Runtime.</summary>
    public static ImmutableArray<MetadataReference> All => Framework.Value;

    /// <summary>Without ASP.NET Core.</summary>
    public static ImmutableArray<MetadataReference> WithoutAspNet { get; } = Load(path => !Name(path).StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));

    /// <summary>Everything plus the real Ncco.Testing (kept out of <see cref="All"/> so stand-in sources don't clash with it).</summary>
    public static ImmutableArray<MetadataReference> WithTesting { get; } =
        All.Add(MetadataReference.CreateFromFile(typeof(Ncco.Testing.VoiceSimulator).Assembly.Location));

    /// <summary>Neither ASP.NET Core nor Ncco.Runtime.</summary>
    public static ImmutableArray<MetadataReference> Bare { get; } =
        Load(path => !Name(path).StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && !Name(path).StartsWith("Ncco.", StringComparison.Ordinal));

    private static string Name(string path) => Path.GetFileNameWithoutExtension(path);

    private static ImmutableArray<MetadataReference> Load(Func<string, bool> include)
    {
        var tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var builder = ImmutableArray.CreateBuilder<MetadataReference>();
        foreach (var path in tpa.Split(Path.PathSeparator))
        {
            var name = Name(path);
            // Keep the compilation to what a user project sees: no test framework, no Roslyn, no analyzers.
            if (name.StartsWith("xunit", StringComparison.Ordinal) || name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)
                || name.StartsWith("Microsoft.TestPlatform", StringComparison.Ordinal) || name.StartsWith("Ncco.Analyzers", StringComparison.Ordinal)
                || name.StartsWith("testhost", StringComparison.Ordinal) || name.StartsWith("Ncco.Testing", StringComparison.Ordinal) || name.StartsWith("Microsoft.VisualStudio", StringComparison.Ordinal))
            {
                continue;
            }
            if (include(path)) builder.Add(MetadataReference.CreateFromFile(path));
        }
        return builder.ToImmutable();
    }
}
