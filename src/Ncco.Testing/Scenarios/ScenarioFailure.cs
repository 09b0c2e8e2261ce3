using Ncco.Testing.Reporting;

namespace Ncco.Testing.Scenarios;

/// <summary>Why a scenario failed: the step (with its place in the file), the expected-vs-actual message, and the call log.</summary>
public sealed class ScenarioFailure
{
    internal ScenarioFailure(SourceLocation location, ScenarioStep? step, string message, string callLog)
    {
        Location = location;
        Step = step;
        Message = message;
        CallLog = callLog;
    }

    /// <summary>The failing step's place in the file (the scenario's, when it failed before its first step).</summary>
    public SourceLocation Location { get; }

    /// <summary>The step that failed, if one did.</summary>
    public ScenarioStep? Step { get; }

    /// <summary>What was expected and what happened instead.</summary>
    public string Message { get; }

    /// <summary>Everything that happened on the call, with virtual timestamps (empty when no call started).</summary>
    public string CallLog { get; }

    /// <summary>
    /// The whole report: <c>file:line:column: the step as written</c>, the message, then the call log — unless the
    /// message already has one (the DSL's messages include the compact log and name the file with the full one, so a
    /// second copy would only double the report's length).
    /// </summary>
    public override string ToString()
    {
        var text = $"{Location}: {(Step is null ? "before the first step" : Step.Source)}{Environment.NewLine}{Message.TrimEnd()}";
        if (CallLog.Length > 0 && !Message.Contains(FailureReport.CallLogHeading, StringComparison.Ordinal))
        {
            text += $"{Environment.NewLine}{Environment.NewLine}{FailureReport.CallLogHeading}):{Environment.NewLine}{CallLog.TrimEnd()}";
        }
        return text;
    }
}
