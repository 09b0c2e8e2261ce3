namespace Ncco.Schema.Tests;

/// <summary>Our validator against the hand-written expectations of every corpus file (exact pointers and codes).</summary>
public class CorpusValidatorTests
{
    [Fact]
    public void Corpus_is_large_and_every_file_has_expectations()
    {
        Assert.True(Corpus.Files.Count >= 150, $"the corpus needs at least 150 NCCOs, has {Corpus.Files.Count}");
        Assert.Equal(Corpus.Files, Corpus.Expectations.Keys.Order(StringComparer.Ordinal));
        foreach (var file in Corpus.Files)
        {
            var expected = Corpus.Expectations[file];
            if (file.StartsWith("valid/", StringComparison.Ordinal)) Assert.True(expected.Count == 0, file + " is in valid/ but expects errors");
            else Assert.True(expected.Count > 0, file + " is in invalid/ but expects no errors");
        }
    }

    [Fact]
    public void Validator_reports_exactly_the_expected_errors_for_every_file()
    {
        var problems = new List<string>();
        foreach (var file in Corpus.Files)
        {
            var actual = Corpus.Validate(file).Select(e => $"{e.Pointer} {e.Code}").Order(StringComparer.Ordinal).ToArray();
            var expected = Corpus.Expectations[file].Select(e => $"{e.Pointer} {e.Code}").Order(StringComparer.Ordinal).ToArray();
            if (!actual.SequenceEqual(expected))
            {
                var messages = string.Join("; ", Corpus.Validate(file).Select(e => e.ToString()));
                problems.Add($"{file}: expected [{string.Join(", ", expected)}] but got [{string.Join(", ", actual)}] ({messages})");
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} corpus file(s) disagree with expectations.json:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Every_schema_limit_named_by_an_expectation_exists()
    {
        var ids = NccoJsonSchema.Limits.Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (file, expected) in Corpus.Expectations)
        {
            foreach (var e in expected.Where(e => e.SchemaLimit is not null))
            {
                Assert.True(ids.Contains(e.SchemaLimit!), $"{file} names unknown schema limit {e.SchemaLimit}");
            }
        }
    }
}
