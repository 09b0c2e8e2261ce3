namespace Ncco.Cli;

/// <summary>
/// What <c>ncco</c>'s exit status means, the same for every command, so scripts can tell "fix your NCCO" from "fix
/// the command line" from "something went wrong running it". Listed in <c>ncco --help</c> and the CLI's README.
/// </summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked (every NCCO is valid, the token was printed, the host stopped cleanly).</summary>
    public const int Success = 0;

    /// <summary>
    /// The input the command read is wrong: an NCCO breaks a rule, a directory holds no <c>*.json</c> file, a key file
    /// is not an RSA private key, <c>ncco serve</c>'s configuration has an unknown <c>Ncco:</c> key or a bad value.
    /// </summary>
    public const int InvalidInput = 1;

    /// <summary>The command line is wrong: an unknown command or option, a missing argument, an option value out of range.</summary>
    public const int Usage = 2;

    /// <summary>
    /// The command could not do its work: a file or directory that does not exist or cannot be read, an output that
    /// cannot be written, a host that cannot start (an address in use), an unexpected error. Wins over <see cref="InvalidInput"/>.
    /// </summary>
    public const int Failure = 3;

    /// <summary>The lines <c>ncco --help</c> ends with.</summary>
    internal const string HelpText = """
        Exit codes:
          0  success
          1  invalid input: an NCCO breaks a rule, a directory has no *.json file, a key is not an RSA private key,
             a bad or unknown Ncco: setting for serve; for ncco test: a scenario failed or a scenario file has errors
          2  usage error: unknown command or option, missing argument, option value out of range
          3  failure: a file cannot be read or written, the host cannot start, ncco test cannot reach the app,
             an unexpected error
        """;
}
