using System.Text.Json;
using Ncco.Model;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Corpus;

/// <summary>
/// Every valid NCCO of the shared corpus survives parse → write → parse unchanged, and what the writer emits is
/// itself valid and uses only documented spellings.
/// </summary>
public class CorpusRoundTripTests
{
    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "corpus", "valid");

    public static TheoryData<string> ValidFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CorpusDirectory, "*.json").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void The_corpus_is_there() => Assert.True(ValidFiles().Count >= 50, "copy of tests/corpus/ncco/valid missing from the test output");

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void Round_trips(string file)
    {
        var document = NccoDocument.Parse(File.ReadAllText(Path.Combine(CorpusDirectory, file)));

        var written = document.ToJson();

        Assert.Empty(NccoValidator.Validate(written));
        Assert.Equal(document, NccoDocument.Parse(written));
        Assert.Empty(NccoValidator.Validate(document));
        foreach (var legacy in new[] { "advanced_machine_detection", "standard_headers", "conversation_id", "voiceName", "\"ringback\"" })
        {
            Assert.DoesNotContain(legacy, written, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void Serializes_through_system_text_json(string file)
    {
        var document = NccoDocument.Parse(File.ReadAllText(Path.Combine(CorpusDirectory, file)));

        var json = JsonSerializer.Serialize(document);

        Assert.Equal(document, JsonSerializer.Deserialize<NccoDocument>(json));
    }
}
