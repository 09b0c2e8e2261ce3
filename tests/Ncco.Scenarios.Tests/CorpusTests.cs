using Ncco.Testing.Scenarios;

namespace Ncco.Scenarios.Tests;

/// <summary>tests/corpus/scenarios: valid files load; each invalid file gives exactly the errors its '# error:' lines name.</summary>
public sealed class CorpusTests
{
    public static TheoryData<string> Valid => new(Files("valid"));

    public static TheoryData<string> Invalid => new(Files("invalid"));

    internal static IEnumerable<string> Files(string folder) =>
        Directory.GetFiles(Path.Combine(Repo.Corpus, folder), "*.yaml").Select(f => folder + "/" + Path.GetFileName(f)).Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_files_load(string file)
    {
        var loaded = ScenarioLoader.Load(Path.Combine(Repo.Corpus, file));
        Assert.True(loaded.IsValid, loaded.DescribeErrors());
        Assert.NotEmpty(loaded.Scenarios);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_files_give_exactly_their_errors(string file)
    {
        var path = Path.Combine(Repo.Corpus, file);
        var expected = File.ReadLines(path).Where(l => l.StartsWith("# error: ", StringComparison.Ordinal)).Select(l => l["# error: ".Length..]).ToList();
        Assert.NotEmpty(expected);
        var loaded = ScenarioLoader.Load(path);
        Assert.Empty(loaded.Scenarios);
        Assert.Equal(expected, loaded.Errors.Select(e => $"{e.Location.Line}:{e.Location.Column}: {e.Message}"));
        Assert.All(loaded.Errors, e => Assert.Equal(path, e.Location.File));
    }
}
