namespace Ncco.Cli;

/// <summary>The <c>ncco</c> entry point.</summary>
public static class Program
{
    /// <summary>Parses and runs a command; returns its exit code (<see cref="ExitCodes"/>).</summary>
    public static Task<int> Main(string[] args) =>
        NccoCommandLine.RunAsync(args, new CliConsole(Console.In, Console.Out, Console.Error));
}
