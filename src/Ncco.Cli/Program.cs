using System.CommandLine;

namespace Ncco.Cli;

/// <summary>
/// The <c>ncco</c> entry point. An explicit class in this namespace (not top-level statements) because the CLI
/// references Ncco.Host, whose own <c>Program</c> lives in the global namespace.
/// </summary>
public static class Program
{
    /// <summary>Parses and runs a command; returns its exit code.</summary>
    public static Task<int> Main(string[] args) =>
        NccoCommandLine.Create(new CliConsole(Console.In, Console.Out, Console.Error))
            .Parse(args)
            // No Ctrl+C handling here: `ncco serve` leaves SIGINT/SIGTERM to the host, which drains calls before it
            // exits, where System.CommandLine would end the process after a fixed two seconds.
            .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
}
