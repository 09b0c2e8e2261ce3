using Ncco.Scenarios.Tests.Support;
using Ncco.Testing.Scenarios;

namespace Ncco.Scenarios.Tests;

/// <summary>What a .NET user writes: one theory over a folder of scenario files (here against an app over real HTTP).</summary>
public sealed class XunitTheoryTests(MenuAppFixture app) : IClassFixture<MenuAppFixture>
{
    public static IEnumerable<object[]> Scenarios => ScenarioFiles.In("scenarios");

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_passes(ScenarioCase scenario) => scenario.RunAsync(app.BaseUrl);

    [Fact]
    public void The_folder_gives_one_case_per_scenario_named_by_file_and_name()
    {
        var cases = ScenarioFiles.Cases("scenarios");
        Assert.Equal(["scenarios/sales-busy.yaml", "scenarios/sales.yaml", "scenarios/support.yaml"], cases.Select(c => c.DisplayPath));
        Assert.Equal("scenarios/sales.yaml: A caller presses 1 and reaches sales", cases[1].ToString());
    }
}
