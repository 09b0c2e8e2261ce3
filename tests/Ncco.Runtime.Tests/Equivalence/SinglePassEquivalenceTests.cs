using System.Text.Json;

namespace Ncco.Runtime.Tests.Equivalence;

/// <summary>
/// The single-pass parser (one tokenizing pass over the UTF-8 bytes, the shared rule checker over those tokens, the model
/// bound from them, issue 19) against a golden snapshot recorded from the path it replaced (a <see cref="JsonDocument"/>,
/// the same checker over its elements, then a second walk to bind): for every corpus NCCO, valid and invalid, for the
/// first <see cref="GoldenCases.MutationsPerFile"/> seeded byte-level mutations of each (a fixed subset of the old test's
/// 40 per file, same per-file seeds, so the snapshot stays under 2 MB: broken JSON, bad UTF-8, escapes, surrogates,
/// repeated and misspelled names, wrong kinds), and for hand-picked edge cases (bad UTF-8 in values, names and actions,
/// lone surrogates, escaped names, duplicates, invalid JSON, a byte order mark, nesting 64/65/68 deep), it produces the
/// same model and the same errors and warnings in the same order — same pointer, code, message and severity — through
/// every entry point (bytes, text, <see cref="JsonElement"/>; default, strict and custom-action options).
/// A deliberate change of behaviour re-records the snapshot: see <see cref="GoldenFile"/> (<c>NCCO_UPDATE_GOLDEN=1</c>).
/// </summary>
public class SinglePassEquivalenceTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Golden = new(() =>
    {
        if (!GoldenFile.UpdateRequested) return GoldenFile.Read(GoldenFile.OutputPath);
        GoldenFile.Write(GoldenFile.SourcePath(), ParserPaths.Current);
        return GoldenFile.Read(GoldenFile.SourcePath());
    });

    public static TheoryData<string> CorpusFiles => new(GoldenCases.CorpusFiles);

    public static TheoryData<string> SpecialCases => new(GoldenCases.All().Where(c => !c.Name.StartsWith("corpus ", StringComparison.Ordinal)).Select(c => c.Name));

    [Fact]
    public void Corpus_is_there()
    {
        Assert.True(GoldenCases.CorpusFiles.Count > 300, $"the corpus has {GoldenCases.CorpusFiles.Count} files");
    }

    [Fact]
    public void Golden_file_has_exactly_the_cases()
    {
        var names = GoldenCases.All().Select(c => c.Name).ToList();
        var missing = names.Where(n => !Golden.Value.ContainsKey(n)).ToList();
        var stale = Golden.Value.Keys.Except(names, StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0,
            $"the golden snapshot is out of step with GoldenCases: missing {string.Join(", ", missing.Take(10))}; stale {string.Join(", ", stale.Take(10))}. {HowToRegenerate}");
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Corpus_file_and_its_mutations_parse_as_the_old_path_did(string file)
    {
        foreach (var c in GoldenCases.Corpus(file)) AssertMatchesGolden(c);
    }

    [Theory]
    [MemberData(nameof(SpecialCases))]
    public void Edge_case_parses_as_the_old_path_did(string name)
    {
        AssertMatchesGolden(GoldenCases.All().Single(c => c.Name == name));
    }

    private static void AssertMatchesGolden(GoldenCases.Case c)
    {
        Assert.True(Golden.Value.TryGetValue(c.Name, out var expected), $"the golden snapshot has no case '{c.Name}'. {HowToRegenerate}");
        var actual = GoldenCases.Describe(c, ParserPaths.Current);
        if (actual == expected) return;
        var want = expected.Split('\n');
        var got = actual.Split('\n');
        var line = 0;
        while (line < want.Length && line < got.Length && want[line] == got[line]) line++;
        Assert.Fail(
            $"case '{c.Name}' differs from the golden snapshot at its line {line + 1}:\n" +
            $"  expected: {(line < want.Length ? want[line] : "(end of case)")}\n" +
            $"  actual:   {(line < got.Length ? got[line] : "(end of case)")}\n" +
            $"whole actual case:\n{actual}\n{HowToRegenerate}");
    }

    private static string HowToRegenerate =>
        $"If the change is deliberate, re-record with {GoldenFile.UpdateVariable}=1 (see GoldenFile.cs) and review the diff of tests/Ncco.Runtime.Tests/Equivalence/Golden/single-pass.golden.txt.";
}
