using System.Runtime.CompilerServices;
using System.Text;

namespace Ncco.Runtime.Tests.Equivalence;

/// <summary>
/// The committed snapshot <c>Golden/single-pass.golden.txt</c>: for each case of <see cref="GoldenCases"/>, a
/// <c>=== name</c> line then its canonical result. Recorded once from the reader the single-pass parser replaced; to
/// re-record it deliberately from the current parser (after a reviewed change of a message, code or binding), run
/// <c>NCCO_UPDATE_GOLDEN=1 dotnet test tests/Ncco.Runtime.Tests -c Release --filter "FullyQualifiedName~SinglePassEquivalenceTests"</c>
/// and review <c>git diff</c> of the file before committing it.
/// </summary>
internal static class GoldenFile
{
    public const string UpdateVariable = "NCCO_UPDATE_GOLDEN";

    private const string Header =
        "# Canonical results of the NCCO parser for every case of GoldenCases.cs (see GoldenFile.cs to regenerate).\n" +
        "# Recorded from the JsonDocument-based reader that the single-pass parser replaced (commit bc3ddb4).\n";

    public static bool UpdateRequested => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>The snapshot copied next to the test assembly.</summary>
    public static string OutputPath => Path.Combine(AppContext.BaseDirectory, "Golden", "single-pass.golden.txt");

    /// <summary>The snapshot in the source tree (where a regeneration writes).</summary>
    public static string SourcePath([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Golden", "single-pass.golden.txt");

    /// <summary>Records every case through <paramref name="paths"/> into <paramref name="path"/>.</summary>
    public static void Write(string path, ParserPaths paths)
    {
        var text = new StringBuilder(Header);
        foreach (var c in GoldenCases.All())
        {
            text.Append("=== ").Append(c.Name).Append('\n').Append(GoldenCases.Describe(c, paths)).Append('\n');
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
    }

    /// <summary>The cases of a snapshot file, by name, in file order.</summary>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        var cases = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        var body = new List<string>();
        foreach (var line in File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (line.StartsWith("=== ", StringComparison.Ordinal))
            {
                Flush();
                name = line[4..];
            }
            else if (name is not null)
            {
                body.Add(line);
            }
        }
        Flush();
        return cases;

        void Flush()
        {
            if (name is null) return;
            while (body.Count > 0 && body[^1].Length == 0) body.RemoveAt(body.Count - 1);
            if (!cases.TryAdd(name, string.Join('\n', body))) throw new InvalidDataException($"{path} has the case '{name}' twice");
            body.Clear();
        }
    }
}
