namespace Ncco.Testing.Scenarios;

/// <summary>A scenario file run from a test has errors (YAML syntax, an unknown step, a wrong type); the message lists them all with their lines.</summary>
public sealed class ScenarioFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="file"/>'s errors.</summary>
    public ScenarioFormatException(ScenarioFile file)
        : base($"{file?.Path} is not a valid scenario file ({file?.Errors.Count} error(s)):{Environment.NewLine}{file?.DescribeErrors()}") => File = file!;

    /// <summary>The file and its errors.</summary>
    public ScenarioFile File { get; }
}
