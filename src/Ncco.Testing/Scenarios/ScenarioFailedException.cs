namespace Ncco.Testing.Scenarios;

/// <summary>A scenario run from a test did not pass; the message is the failure's whole report (step with file:line, message, call log).</summary>
public sealed class ScenarioFailedException : Exception
{
    /// <summary>Creates the exception for <paramref name="failure"/>.</summary>
    public ScenarioFailedException(ScenarioFailure failure) : base(failure?.ToString()) => Failure = failure!;

    /// <summary>Why the scenario failed.</summary>
    public ScenarioFailure Failure { get; }
}
