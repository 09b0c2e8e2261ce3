using System.Text.Json;
using Json.Schema;
using Ncco.Rules;
using Ncco.Validation;

namespace Ncco.Schema.Tests;

/// <summary>
/// JsonSchema.Net, a second independent JSON Schema 2020-12 implementation, run in process: schemas/ncco.schema.json
/// (the committed file) and our validator must give the same verdict on every corpus file, with the same exceptions as
/// the ajv test (<see cref="AgreementTests"/>). ajv stays the strict lint of the schema itself (unknown keywords such as
/// a misspelt <c>minLenght</c>), which JsonSchema.Net does not do; this test needs no Node and runs on every build.
/// </summary>
public class JsonSchemaNetAgreementTests
{
    private static JsonSchema Schema()
    {
        // A registry of its own: the schema's $id must not clash with another test's build of it.
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        return JsonSchema.FromText(File.ReadAllText(Repo.SchemaFile), options);
    }

    [Fact]
    public void JsonSchemaNet_and_the_validator_agree_on_every_corpus_file()
    {
        var schema = Schema();
        var evaluation = new EvaluationOptions { OutputFormat = OutputFormat.List };
        var problems = new List<string>();
        var checkedFiles = 0;
        foreach (var file in Corpus.Files)
        {
            var ours = Corpus.Validate(file);
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Repo.CorpusDirectory, file)));
            }
            catch (JsonException e)
            {
                // Not JSON (or not UTF-8) to System.Text.Json either: our validator must say exactly that.
                if (!(ours.Count == 1 && ours[0].Code is ErrorCodes.InvalidJson))
                    problems.Add($"{file}: not parseable ({e.Message}) but our validator reports [{string.Join("; ", ours)}]");
                continue;
            }
            using (document)
            {
                checkedFiles++;
                EvaluationResults result;
                try
                {
                    result = schema.Evaluate(document.RootElement, evaluation);
                }
                catch (InvalidOperationException e)
                {
                    // A string System.Text.Json cannot decode (an unpaired surrogate escape such as "\ud800"): not
                    // evaluable as JSON text, so our validator must reject the file too.
                    if (ours.Count == 0) problems.Add($"{file}: JsonSchema.Net cannot read a string in it ({e.Message}) but our validator accepts it");
                    continue;
                }
                var expected = Corpus.Expectations[file];
                if (expected.Count > 0 && expected.All(e => e.SchemaLimit is not null))
                {
                    if (!result.IsValid) problems.Add($"{file}: only documented schema limits are expected, so the schema must accept it, but JsonSchema.Net says: {Describe(result)}");
                    continue;
                }
                if (result.IsValid != (ours.Count == 0))
                {
                    problems.Add(result.IsValid
                        ? $"{file}: JsonSchema.Net accepts it, our validator rejects it: {string.Join("; ", ours)}"
                        : $"{file}: our validator accepts it, JsonSchema.Net rejects it: {Describe(result)}");
                }
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} disagreement(s) between schemas/ncco.schema.json (JsonSchema.Net) and NccoValidator:\n" + string.Join("\n", problems));
        Assert.True(checkedFiles > 300, $"only {checkedFiles} corpus files were evaluated");
    }

    [Fact]
    public void A_broken_ncco_is_rejected_at_the_pointer_our_validator_names()
    {
        var schema = Schema();
        using var document = JsonDocument.Parse("""[{"action":"talk","text":"hi","loop":-5}]""");

        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.False(result.IsValid);
        Assert.Contains(result.Details ?? [], d => d.Errors is { Count: > 0 } && d.InstanceLocation.ToString() == "/0/loop");
        Assert.Contains(NccoValidator.Validate("""[{"action":"talk","text":"hi","loop":-5}]"""u8.ToArray()), e => e.Pointer == "/0/loop");
    }

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Take(5)
            .Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}"));
}
