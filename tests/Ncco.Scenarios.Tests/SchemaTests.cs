using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Ncco.Testing.Scenarios;
using Ncco.Testing.Scenarios.Parsing;
using YamlDotNet.RepresentationModel;

namespace Ncco.Scenarios.Tests;

/// <summary>
/// schemas/ncco-scenario.schema.json is what the step table generates, and two independent validators (JsonSchema.Net
/// in-process, ajv under Node) agree with the loader on the corpus: valid files pass, invalid files fail unless they
/// say the rule is one only the loader checks.
/// </summary>
public sealed class SchemaTests
{
    [Fact]
    public void Committed_schema_is_the_generated_one()
    {
        var committed = File.ReadAllText(Repo.SchemaFile).ReplaceLineEndings("\n");
        Assert.True(committed == ScenarioJsonSchema.Generate(),
            "schemas/ncco-scenario.schema.json is out of date with src/Ncco.Testing/Scenarios/Steps: regenerate it with "
            + "`dotnet run --project src/Ncco.Cli -- schema --scenarios -o schemas/ncco-scenario.schema.json`");
    }

    [Fact]
    public void JsonSchemaNet_agrees_with_the_loader_on_the_corpus()
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Repo.SchemaFile));
        var problems = new List<string>();
        foreach (var (file, expectation, json) in Corpus())
        {
            if (expectation == Expectation.NotYaml) continue;
            var result = schema.Evaluate(JsonDocument.Parse(json.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (result.IsValid != (expectation == Expectation.Accept)) problems.Add($"{file}: expected the schema to {(expectation == Expectation.Accept ? "accept" : "reject")} it");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Ajv_agrees_with_the_loader_on_the_corpus()
    {
        var ajvPackage = Path.Combine(Repo.SchemaTools, "node_modules", "ajv", "package.json");
        Assert.True(File.Exists(ajvPackage), "ajv is not installed: run .ci/deps/schema.sh (npm ci in tests/schema-tools), then the tests again.");
        var dir = Directory.CreateTempSubdirectory("ncco-scenario-schema-");
        try
        {
            var corpus = Corpus().ToList();
            Directory.CreateDirectory(Path.Combine(dir.FullName, "valid"));
            Directory.CreateDirectory(Path.Combine(dir.FullName, "invalid"));
            foreach (var (file, expectation, json) in corpus.Where(c => c.Expectation != Expectation.NotYaml))
            {
                await File.WriteAllTextAsync(Path.Combine(dir.FullName, Path.ChangeExtension(file, ".json")), json.ToJsonString());
            }
            var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.SchemaTools };
            start.ArgumentList.Add(Path.Combine(Repo.SchemaTools, "validate-corpus.mjs"));
            start.ArgumentList.Add(Repo.SchemaFile);
            start.ArgumentList.Add(dir.FullName);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = await process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, "ajv failed: " + await stderr);
            var results = JsonNode.Parse(stdout)!.AsArray().ToDictionary(r => r!["file"]!.GetValue<string>(), r => r!["valid"]!.GetValue<bool>());
            var problems = new List<string>();
            foreach (var (file, expectation, _) in corpus.Where(c => c.Expectation != Expectation.NotYaml))
            {
                var key = Path.ChangeExtension(file, ".json");
                if (!results.TryGetValue(key, out var valid)) problems.Add($"{file}: ajv did not check it");
                else if (valid != (expectation == Expectation.Accept)) problems.Add($"{file}: expected ajv to {(expectation == Expectation.Accept ? "accept" : "reject")} it");
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
            Assert.Equal(corpus.Count(c => c.Expectation != Expectation.NotYaml), results.Count);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Every_step_has_a_description_and_an_example_in_the_schema()
    {
        var defs = JsonNode.Parse(File.ReadAllText(Repo.SchemaFile))!["$defs"]!.AsObject();
        foreach (var name in new[] { "dial", "hear", "press", "say", "stay_silent", "expect_call", "answer", "busy", "expect_event", "expect_webhook", "hang_up", "expect_end" })
        {
            var description = defs[name]?["description"]?.GetValue<string>();
            Assert.False(string.IsNullOrWhiteSpace(description), $"step '{name}' has no description");
            Assert.Contains("Example: - " + name, description, StringComparison.Ordinal);
        }
    }

    private enum Expectation
    {
        Accept,
        Reject,
        NotYaml,
    }

    // Every corpus file with what the schema must say about it and its JSON (YAML 1.2 core schema, as editors read it).
    private static IEnumerable<(string File, Expectation Expectation, JsonNode Json)> Corpus()
    {
        foreach (var file in CorpusTests.Files("valid").Concat(CorpusTests.Files("invalid")))
        {
            var text = File.ReadAllText(Path.Combine(Repo.Corpus, file));
            var expectation = file.StartsWith("valid/", StringComparison.Ordinal) ? Expectation.Accept
                : text.Contains("# schema: not-yaml", StringComparison.Ordinal) ? Expectation.NotYaml
                : text.Contains("# schema: accepts", StringComparison.Ordinal) ? Expectation.Accept
                : Expectation.Reject;
            if (expectation == Expectation.NotYaml)
            {
                yield return (file, expectation, new JsonObject());
                continue;
            }
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlDotNet.Core.YamlException)
            {
                // Duplicate keys have no JSON form to validate; the loader refuses them (ScenarioJsonSchema.Limits).
                Assert.Equal(Expectation.Accept, expectation);
                continue;
            }
            for (var i = 0; i < stream.Documents.Count; i++)
            {
                var name = stream.Documents.Count == 1 ? file : Path.ChangeExtension(file, null) + $"-{i + 1}.yaml";
                yield return (name, expectation, YamlScalars.ToJson(stream.Documents[i].RootNode) ?? new JsonObject());
            }
        }
    }
}
