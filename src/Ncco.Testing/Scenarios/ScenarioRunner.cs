using Ncco.Testing.Hosting;

namespace Ncco.Testing.Scenarios;

/// <summary>
/// Runs scenarios against an app: each scenario gets a fresh simulator (virtual time, its own call log) and its steps
/// run one after another through the C# DSL. A step that does not come true fails the scenario with the step's
/// file:line, the expected-vs-actual message and the call log; any other error from the app or the simulator fails it
/// too, with its message. Scenarios never throw from <see cref="RunAsync"/> except on cancellation.
/// </summary>
public sealed class ScenarioRunner
{
    private readonly Func<Action<SimulatorOptions>, Task<VoiceSimulator>> _start;
    private readonly ScenarioApp _defaults;
    private readonly TimeProvider _time;

    /// <summary>
    /// A runner that starts each scenario's simulator with <paramref name="start"/> (given the options to apply), e.g.
    /// <c>o =&gt; VoiceSimulator.StartAsync&lt;Program&gt;(o)</c>.
    /// </summary>
    /// <param name="start">Starts a simulator with the scenario's options.</param>
    /// <param name="defaults">Webhook settings for scenarios that do not set their own (the command line's).</param>
    /// <param name="time">Measures the wall-clock duration of each scenario (default: the system clock).</param>
    public ScenarioRunner(Func<Action<SimulatorOptions>, Task<VoiceSimulator>> start, ScenarioApp? defaults = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        _start = start;
        _defaults = defaults ?? new ScenarioApp();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A runner for the webhook app at <paramref name="baseUrl"/> (any language), over real HTTP.</summary>
    public static ScenarioRunner ForUrl(Uri baseUrl, ScenarioApp? defaults = null, HttpClient? client = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return new ScenarioRunner(o => Task.FromResult(VoiceSimulator.Start(baseUrl, o, client)), defaults, time);
    }

    /// <summary>A runner for the ASP.NET app whose <c>Program</c> is <typeparamref name="TProgram"/>, hosted in-process for each scenario.</summary>
    public static ScenarioRunner ForApp<TProgram>(ScenarioApp? defaults = null) where TProgram : class =>
        new(o => VoiceSimulator.StartAsync<TProgram>(o), defaults);

    /// <summary>A runner for an in-process app already started (shared by the scenarios, not stopped by them).</summary>
    public static ScenarioRunner ForApp(InProcessApp app, ScenarioApp? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new ScenarioRunner(o => Task.FromResult(VoiceSimulator.Start(app, o)), defaults);
    }

    /// <summary>Runs <paramref name="scenario"/> and says how it went.</summary>
    public async Task<ScenarioResult> RunAsync(Scenario scenario, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var started = _time.GetTimestamp();
        VoiceSimulator? sim = null;
        ScenarioStep? current = null;
        ScenarioFailure? failure = null;
        try
        {
            sim = await _start(o =>
            {
                scenario.App.Over(_defaults).ApplyTo(o);
                if (scenario.Timeout is { } timeout) o.DefaultTimeout = timeout;
            }).ConfigureAwait(false);
            var context = new ScenarioContext(sim);
            foreach (var step in scenario.Steps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                current = step;
                await step.Definition.RunAsync(step.Arguments, step.Location, context).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // whatever the app or the simulator throws, the scenario fails and the run goes on to the next
        catch (Exception e)
#pragma warning restore CA1031
        {
            var message = e is VoiceExpectationException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            failure = new ScenarioFailure(current?.Location ?? scenario.Location, current, message, sim?.Log.RenderText() ?? "");
        }
        finally
        {
            if (sim is not null)
            {
                try
                {
                    await sim.DisposeAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // a failure while stopping is reported only when the scenario had not failed already
                catch (Exception e) when (failure is null && e is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    failure = new ScenarioFailure(scenario.Location, null, $"{e.GetType().Name}: {e.Message}", sim.Log.RenderText());
                }
            }
        }
        return new ScenarioResult(scenario, _time.GetElapsedTime(started), failure, sim?.Log.RenderText() ?? "");
    }
}
