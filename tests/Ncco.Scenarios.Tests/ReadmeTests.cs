using System.Reflection;
using Ncco.Testing;
using Ncco.Testing.Scenarios.Steps;

namespace Ncco.Scenarios.Tests;

/// <summary>src/Ncco.Testing/README.md documents every DSL verb and every scenario step, each with an example (issue 14).</summary>
public class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(Repo.Root, "src", "Ncco.Testing", "README.md"));

    public static TheoryData<string> DslVerbs()
    {
        var data = new TheoryData<string>();
        var types = new[] { typeof(VoiceSimulator), typeof(VirtualCall), typeof(VirtualParty), typeof(NotCall), typeof(NotSimulator) };
        foreach (var name in types.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
                     .Where(m => !m.IsSpecialName && m.Name.EndsWith("Async", StringComparison.Ordinal) && m.Name != "DisposeAsync")
                     .Select(m => m.Name).Distinct().Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(DslVerbs))]
    public void Every_DSL_verb_is_in_a_table_row_with_an_example(string verb)
    {
        // A row of one of the verb tables: "| `…Verb(…` … | `example` |", the example using the verb too (or its row's sibling).
        var rows = Readme.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal) && l.Contains(verb, StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count > 0, $"{verb} has no row in a verb table of src/Ncco.Testing/README.md");
        Assert.Contains(rows, r => r.Split('|', StringSplitOptions.RemoveEmptyEntries).Length >= 2 && r.Split('|', StringSplitOptions.RemoveEmptyEntries)[^1].Contains('`', StringComparison.Ordinal));
    }

    public static TheoryData<string> Steps()
    {
        var data = new TheoryData<string>();
        foreach (var name in StepCatalog.Names) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void Every_scenario_step_is_in_the_step_table_with_an_example(string step)
    {
        var row = Readme.Split('\n').FirstOrDefault(l => l.StartsWith("| `", StringComparison.Ordinal)
            && l.Split('|', StringSplitOptions.RemoveEmptyEntries)[0].Split(',').Any(c => c.Trim() == $"`{step}`"));
        Assert.True(row is not null, $"{step} has no row in the step table of src/Ncco.Testing/README.md");
        var example = row!.Split('|', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Contains("- ", example, StringComparison.Ordinal);
    }
}
