namespace Ncco.Testing.Scenarios;

/// <summary>How one scenario ran.</summary>
public sealed class ScenarioResult
{
    internal ScenarioResult(Scenario scenario, TimeSpan duration, ScenarioFailure? failure, string callLog)
    {
        Scenario = scenario;
        Duration = duration;
        Failure = failure;
        CallLog = callLog;
    }

    /// <summary>The scenario.</summary>
    public Scenario Scenario { get; }

    /// <summary>True when every step came true.</summary>
    public bool Passed => Failure is null;

    /// <summary>Wall-clock time the run took (the call's virtual time is in the call log).</summary>
    public TimeSpan Duration { get; }

    /// <summary>Why it failed, when it did.</summary>
    public ScenarioFailure? Failure { get; }

    /// <summary>The call log, passed or failed.</summary>
    public string CallLog { get; }
}
