using System.Text.Json;
using Ncco.Rules;
using Ncco.Validation;

namespace Ncco.Schema.Tests;

/// <summary>One expected validation error of a corpus file.</summary>
/// <param name="Pointer">JSON pointer of the error.</param>
/// <param name="Code">Error code from <see cref="ErrorCodes"/>.</param>
/// <param name="SchemaLimit">When set, the id of the <see cref="NccoJsonSchema.Limits"/> entry that keeps the schema from seeing this error.</param>
internal sealed record Expected(string Pointer, string Code, string? SchemaLimit);

/// <summary>The NCCO corpus in tests/corpus/ncco and its expectations.json.</summary>
internal static class Corpus
{
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<Expected>>> LazyExpectations = new(LoadExpectations);

    /// <summary>File (relative, <c>valid/x.json</c>) → expected errors (empty for valid files).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<Expected>> Expectations => LazyExpectations.Value;

    /// <summary>Every corpus file, relative to the corpus folder, with forward slashes, sorted.</summary>
    public static IReadOnlyList<string> Files { get; } =
        new[] { "valid", "invalid" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Repo.CorpusDirectory, folder), "*.json").Select(f => folder + "/" + Path.GetFileName(f)))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static string Read(string file) => File.ReadAllText(Path.Combine(Repo.CorpusDirectory, file));

    /// <summary>Validates the file's bytes as a webhook would receive them (some cases are not valid UTF-8 on purpose).</summary>
    public static IReadOnlyList<NccoError> Validate(string file) => NccoValidator.Validate(File.ReadAllBytes(Path.Combine(Repo.CorpusDirectory, file)));

    private static IReadOnlyDictionary<string, IReadOnlyList<Expected>> LoadExpectations()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.CorpusDirectory, "expectations.json")));
        var result = new Dictionary<string, IReadOnlyList<Expected>>(StringComparer.Ordinal);
        foreach (var file in document.RootElement.EnumerateObject())
        {
            result[file.Name] = file.Value.EnumerateArray()
                .Select(e => new Expected(
                    e.GetProperty("pointer").GetString()!,
                    e.GetProperty("code").GetString()!,
                    e.TryGetProperty("schemaLimit", out var limit) ? limit.GetString() : null))
                .ToArray();
        }
        return result;
    }
}
