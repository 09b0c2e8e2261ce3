using System.Diagnostics;
using System.Text.Json;
using Ncco.Rules;

namespace Ncco.Schema.Tests;

/// <summary>
/// ajv (an independent JSON Schema 2020-12 validator, run by tests/schema-tools/validate-corpus.mjs) and our validator
/// must give the same valid/invalid verdict on every corpus file. The only exceptions are files whose every expected
/// error is a documented schema limit (<see cref="NccoJsonSchema.Limits"/>): for those ajv must say valid, so the
/// limit is exactly as documented.
/// </summary>
public class AgreementTests
{
    [Fact]
    public void Ajv_and_the_validator_agree_on_every_corpus_file()
    {
        var ajv = RunAjv();
        Assert.Equal(Corpus.Files, ajv.Keys.Order(StringComparer.Ordinal));

        var problems = new List<string>();
        foreach (var file in Corpus.Files)
        {
            var ours = Corpus.Validate(file);
            var expected = Corpus.Expectations[file];
            var (ajvValid, ajvDetail, parseError) = ajv[file];

            if (parseError is not null)
            {
                if (!(ours.Count == 1 && ours[0].Code == ErrorCodes.InvalidJson))
                {
                    problems.Add($"{file}: node cannot parse it ({parseError}) but our validator reports [{string.Join("; ", ours)}]");
                }
                continue;
            }

            var onlyLimits = expected.Count > 0 && expected.All(e => e.SchemaLimit is not null);
            if (onlyLimits)
            {
                if (!ajvValid) problems.Add($"{file}: only documented schema limits ({string.Join(", ", expected.Select(e => e.SchemaLimit).Distinct())}) are expected, so ajv must accept it, but ajv says: {ajvDetail}");
                continue;
            }

            var oursValid = ours.Count == 0;
            if (ajvValid != oursValid)
            {
                problems.Add(oursValid
                    ? $"{file}: our validator accepts it, ajv rejects it: {ajvDetail}"
                    : $"{file}: ajv accepts it, our validator rejects it: {string.Join("; ", ours)}");
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} disagreement(s) between schemas/ncco.schema.json (ajv) and NccoValidator:\n" + string.Join("\n", problems));
    }

    private static Dictionary<string, (bool Valid, string Detail, string? ParseError)> RunAjv()
    {
        var ajvPackage = Path.Combine(Repo.ToolsDirectory, "node_modules", "ajv", "package.json");
        Assert.True(File.Exists(ajvPackage),
            "ajv is not installed for the schema agreement test. Run `cd tests/schema-tools && npm ci --no-audit --no-fund` "
            + "(CI does this in .ci/deps/schema.sh), then run the tests again.");

        var schemaPath = Path.Combine(Path.GetTempPath(), $"ncco-schema-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        File.WriteAllText(schemaPath, NccoJsonSchema.Generate());
        try
        {
            var start = new ProcessStartInfo("node")
            {
                WorkingDirectory = Repo.ToolsDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(Repo.ToolsDirectory, "validate-corpus.mjs"));
            start.ArgumentList.Add(schemaPath);
            start.ArgumentList.Add(Repo.CorpusDirectory);

            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                Assert.Fail("cannot start `node` (Node 20 is needed for the schema agreement test): " + e.Message);
                throw;
            }
            using (process)
            {
                var stderr = process.StandardError.ReadToEndAsync();
                var stdout = process.StandardOutput.ReadToEnd();
                if (!process.WaitForExit(60_000))
                {
                    process.Kill(entireProcessTree: true);
                    Assert.Fail("node validate-corpus.mjs did not finish within 60 s");
                }
                Assert.True(process.ExitCode == 0, $"node validate-corpus.mjs failed (exit {process.ExitCode}):\n{stderr.Result}");

                using var document = JsonDocument.Parse(stdout);
                var results = new Dictionary<string, (bool, string, string?)>(StringComparer.Ordinal);
                foreach (var result in document.RootElement.EnumerateArray())
                {
                    var detail = result.TryGetProperty("errors", out var errors)
                        ? string.Join("; ", errors.EnumerateArray().Select(e => $"{e.GetProperty("instancePath").GetString()} {e.GetProperty("keyword").GetString()}: {e.GetProperty("message").GetString()}"))
                        : string.Empty;
                    results[result.GetProperty("file").GetString()!] = (
                        result.GetProperty("valid").GetBoolean(),
                        detail,
                        result.TryGetProperty("parseError", out var parse) ? parse.GetString() : null);
                }
                return results;
            }
        }
        finally
        {
            File.Delete(schemaPath);
        }
    }
}
