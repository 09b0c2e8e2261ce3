using System.CommandLine;
using Ncco.Cli.Commands;

namespace Ncco.Cli;

/// <summary>Builds the <c>ncco</c> command tree.</summary>
public static class NccoCommandLine
{
    /// <summary>The root command with every subcommand, writing to <paramref name="console"/>.</summary>
    public static RootCommand Create(CliConsole console)
    {
        var root = new RootCommand("Ncco: the open-source Vonage Voice API (NCCO) platform for .NET.")
        {
            ValidateCommand.Create(console),
            SchemaCommand.Create(console),
            ServeCommand.Create(console),
            TokenCommand.Create(console),
        };
        return root;
    }
}
