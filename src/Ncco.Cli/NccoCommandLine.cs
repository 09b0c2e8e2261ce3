using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Ncco.Cli.Commands;

namespace Ncco.Cli;

/// <summary>Builds and runs the <c>ncco</c> command tree.</summary>
public static class NccoCommandLine
{
    /// <summary>The command's name, as the tool installs it and as help and errors show it.</summary>
    public const string Name = "ncco";

    /// <summary>The root command with every subcommand, writing to <paramref name="console"/>.</summary>
    /// <remarks>
    /// A plain <see cref="Command"/> named <c>ncco</c> rather than a <see cref="RootCommand"/>, which takes its name
    /// from the entry assembly: run as a .NET tool that is <c>Ncco.Cli</c>, and help would say <c>Usage: Ncco.Cli</c>.
    /// </remarks>
    public static Command Create(CliConsole console)
    {
        var root = new Command(Name, "Ncco: the open-source Vonage Voice API (NCCO) platform for .NET.\n\n" + ExitCodes.HelpText)
        {
            new HelpOption(),
            new VersionOption(),
            ValidateCommand.Create(console),
            SchemaCommand.Create(console),
            ServeCommand.Create(console),
            TokenCommand.Create(console),
            CredentialsCommand.Create(console),
            TestCommand.Create(console),
        };
        return root;
    }

    /// <summary>
    /// Parses <paramref name="args"/> and runs the command: a command line that does not parse prints its errors and
    /// exits <see cref="ExitCodes.Usage"/>; an exception a command did not handle prints one line and exits
    /// <see cref="ExitCodes.Failure"/>.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(console);
        var parse = Create(console).Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            // No Ctrl+C handling here: `ncco serve` leaves SIGINT/SIGTERM to the host, which drains calls before it
            // exits, where System.CommandLine would end the process after a fixed two seconds.
            ProcessTerminationTimeout = null,
        };
        // Help and --version clear parse errors (`ncco validate --help` is not missing its files); anything else with
        // errors would run System.CommandLine's error action, which prints the whole help and exits 1.
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors) console.Error.WriteLine($"{Name}: {error.Message}");
            console.Error.WriteLine($"Run '{CommandPath(parse.CommandResult)} --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Failure;
        }
#pragma warning disable CA1031 // the last resort of a command-line tool: one line, and the exit code scripts expect
        catch (Exception e)
#pragma warning restore CA1031
        {
            console.Error.WriteLine($"{Name}: {Describe(e)}");
            return ExitCodes.Failure;
        }
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new Stack<string>();
        for (var r = result; r is not null; r = r.Parent as CommandResult) names.Push(r.Command.Name);
        return string.Join(' ', names);
    }

    // The message of each exception down the chain ("failed to bind …: Address already in use"), without a stack trace.
    private static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (parts.Count == 0 || !parts[^1].Contains(x.Message, StringComparison.Ordinal)) parts.Add(x.Message);
        }
        return string.Join(": ", parts);
    }
}
