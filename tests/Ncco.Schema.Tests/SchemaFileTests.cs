using System.Text.Json;

namespace Ncco.Schema.Tests;

public class SchemaFileTests
{
    /// <summary>Set to 1 to rewrite schemas/ncco.schema.json from the rule table instead of comparing.</summary>
    private const string UpdateVariable = "NCCO_UPDATE_SCHEMA";

    public const string RegenerateCommand = "NCCO_UPDATE_SCHEMA=1 dotnet test tests/Ncco.Schema.Tests --filter FullyQualifiedName~SchemaFileTests";

    [Fact]
    public void Committed_schema_is_the_generated_one()
    {
        var generated = NccoJsonSchema.Generate();
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Repo.SchemaFile)!);
            File.WriteAllText(Repo.SchemaFile, generated);
        }

        var committed = File.Exists(Repo.SchemaFile) ? File.ReadAllText(Repo.SchemaFile).ReplaceLineEndings("\n") : null;
        Assert.True(committed == generated,
            "schemas/ncco.schema.json differs from what the rule table generates (or is missing). Regenerate it from the repository root with:\n  "
            + RegenerateCommand + "\n(or `ncco schema > schemas/ncco.schema.json` once the CLI has that command), then commit the file.");
    }

    [Fact]
    public void Generation_is_deterministic()
    {
        Assert.Equal(NccoJsonSchema.Generate(), NccoJsonSchema.Generate());
    }

    [Fact]
    public void Has_one_definition_per_action_endpoint_and_settings_object_and_describes_every_property()
    {
        using var schema = JsonDocument.Parse(NccoJsonSchema.Generate());
        var root = schema.RootElement;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", root.GetProperty("$schema").GetString());
        var defs = root.GetProperty("$defs");
        foreach (var rule in Rules.NccoRuleTable.Actions.Concat(Rules.NccoRuleTable.Endpoints).Concat(Rules.NccoRuleTable.Settings))
        {
            var def = defs.GetProperty(NccoJsonSchema.DefinitionName(rule));
            Assert.False(def.GetProperty("additionalProperties").GetBoolean());
            foreach (var property in rule.Properties)
            {
                foreach (var spelling in property.AllNames())
                {
                    var p = def.GetProperty("properties").GetProperty(spelling);
                    Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("description").GetString()), $"{rule.Name}.{spelling} has no description");
                    Assert.Equal(property.Default is not null, p.TryGetProperty("default", out _));
                }
            }
        }
        Assert.True(defs.TryGetProperty("phoneEndpoint", out _));
        var comment = root.GetProperty("$comment").GetString()!;
        foreach (var limit in NccoJsonSchema.Limits) Assert.Contains("[" + limit.Id + "]", comment, StringComparison.Ordinal);
    }
}
