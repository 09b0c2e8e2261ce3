using System.Reflection;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ncco.Analyzers.Tests;

public class DocumentationTests
{
    private static readonly string Root = FindRoot();

    private static IEnumerable<DiagnosticAnalyzer> Analyzers() =>
        typeof(Descriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!);

    public static TheoryData<string> Ids() => new(Descriptors.All.Select(d => d.Id));

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_descriptor_has_a_page_with_every_section_and_its_help_link_points_there(string id)
    {
        var descriptor = Descriptors.All.Single(d => d.Id == id);
        var page = Path.Combine(Root, "docs", "rules", id + ".md");
        Assert.True(File.Exists(page), $"missing {page}");
        var text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}: {descriptor.Title}", text);
        foreach (var section in new[] { "## What", "## Why", "## Bad", "## Good", "## Fix" }) Assert.Contains(section, text);
        Assert.EndsWith($"docs/rules/{id}.md", descriptor.HelpLinkUri);
        Assert.Contains($"[{id}]({id}.md)", File.ReadAllText(Path.Combine(Root, "docs", "rules", "README.md")));
    }

    [Fact]
    public void Every_reported_descriptor_is_listed_documented_and_release_tracked()
    {
        var supported = Analyzers().SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct().ToList();
        Assert.NotEmpty(supported);
        var unshipped = File.ReadAllText(Path.Combine(Root, "src", "Ncco.Analyzers", "AnalyzerReleases.Unshipped.md"));
        foreach (var id in supported)
        {
            Assert.Contains(Descriptors.All, d => d.Id == id);
            Assert.Contains(id + " |", unshipped);
        }
        Assert.Equal(Descriptors.All.Select(d => d.Id).OrderBy(i => i), supported.OrderBy(i => i));
        Assert.Equal(Descriptors.All.Length, Descriptors.All.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public void Ids_use_the_stable_prefix()
    {
        Assert.All(Descriptors.All, d => Assert.Matches("^NCCO[0-9]{3}$", d.Id));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ncco.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Ncco.sln not found above " + AppContext.BaseDirectory);
    }
}
