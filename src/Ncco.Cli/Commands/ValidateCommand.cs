using System.CommandLine;
using Ncco.Cli.Output;
using Ncco.Validation;

namespace Ncco.Cli.Commands;

/// <summary>
/// <c>ncco validate &lt;files or -&gt;</c>: checks NCCO files against every rule and prints all errors as
/// <c>file:pointer: reason</c> (or JSON with <c>--format json</c>). Exit code 0 when every file is valid,
/// 1 when any is invalid or unreadable.
/// </summary>
public static class ValidateCommand
{
    /// <summary>Exit code when every file is a valid NCCO.</summary>
    public const int Valid = 0;

    /// <summary>Exit code when any file is invalid or could not be read.</summary>
    public const int Invalid = 1;

    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "NCCO JSON files to check; - reads standard input.",
            Arity = ArgumentArity.OneOrMore,
        };
        var format = new Option<string>("--format")
        {
            Description = "Output format: text (file:pointer: reason per line) or json.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("validate", "Check NCCO files and print every error with its JSON pointer.") { files, format };
        command.SetAction(parse => Run(parse.GetValue(files)!, parse.GetValue(format) == "json", console));
        return command;
    }

    /// <summary>Validates each file and writes the report; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> paths, bool json, CliConsole console)
    {
        var results = paths.Select(path => Check(path, console.In)).ToList();
        if (json) JsonReport.Write(results, console.Out);
        else TextReport.Write(results, console.Out);
        return results.All(r => r.Errors.Count == 0) ? Valid : Invalid;
    }

    private static FileResult Check(string path, TextReader stdin)
    {
        var name = path == "-" ? "<stdin>" : path;
        string text;
        try
        {
            text = path == "-" ? stdin.ReadToEnd() : File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new FileResult(name, [new NccoError(string.Empty, "unreadable", "cannot read the file: " + e.Message)]);
        }
        return new FileResult(name, NccoValidator.Validate(text));
    }
}
