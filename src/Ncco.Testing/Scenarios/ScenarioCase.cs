using Ncco.Testing.Hosting;

namespace Ncco.Testing.Scenarios;

/// <summary>
/// One scenario of a scenario file, as a test case (<see cref="ScenarioFiles.In"/> lists them for a theory). A file with
/// errors is one case that fails with all of them, so a broken file shows up as a failing test, not as a missing one.
/// </summary>
public sealed class ScenarioCase
{
    internal ScenarioCase(string displayPath, ScenarioFile file, Scenario? scenario)
    {
        DisplayPath = displayPath;
        File = file;
        Scenario = scenario;
    }

    /// <summary>The file, relative to the folder's parent (<c>scenarios/sales.yaml</c>).</summary>
    public string DisplayPath { get; }

    /// <summary>The file as loaded (with its errors, if it has any).</summary>
    public ScenarioFile File { get; }

    /// <summary>The scenario (null when the file has errors).</summary>
    public Scenario? Scenario { get; }

    /// <summary>Runs the scenario against the ASP.NET app whose <c>Program</c> is <typeparamref name="TProgram"/>, in-process.</summary>
    /// <exception cref="ScenarioFailedException">A step did not come true.</exception>
    /// <exception cref="ScenarioFormatException">The file has errors.</exception>
    public Task RunAsync<TProgram>(ScenarioApp? defaults = null) where TProgram : class => RunAsync(ScenarioRunner.ForApp<TProgram>(defaults));

    /// <summary>Runs the scenario against the webhook app at <paramref name="baseUrl"/> (any language) over real HTTP.</summary>
    public Task RunAsync(Uri baseUrl, ScenarioApp? defaults = null) => RunAsync(ScenarioRunner.ForUrl(baseUrl, defaults));

    /// <summary>Runs the scenario against an in-process app already started.</summary>
    public Task RunAsync(InProcessApp app, ScenarioApp? defaults = null) => RunAsync(ScenarioRunner.ForApp(app, defaults));

    /// <summary>Runs the scenario with <paramref name="runner"/>; throws when it does not pass.</summary>
    public async Task RunAsync(ScenarioRunner runner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        if (Scenario is null) throw new ScenarioFormatException(File);
        var result = await runner.RunAsync(Scenario, cancellationToken).ConfigureAwait(false);
        if (result.Failure is { } failure) throw new ScenarioFailedException(failure);
    }

    /// <summary><c>scenarios/sales.yaml: Caller reaches sales</c> — the test's name in runners.</summary>
    public override string ToString() => Scenario is null ? $"{DisplayPath} (has errors)" : $"{DisplayPath}: {Scenario.Name}";
}
