using System.CommandLine;
using Ncco.Cli.Output;
using Ncco.Validation;

namespace Ncco.Cli.Commands;

/// <summary>
/// <c>ncco validate &lt;files, directories or -&gt;</c>: checks NCCO files against every rule and prints all errors as
/// <c>file:pointer: reason</c> (or JSON with <c>--format json</c>). A directory stands for the <c>*.json</c> files
/// directly in it, in name order. Exit code 0 when every file is valid, 1 when any is invalid (or a directory holds
/// no <c>*.json</c> file), 3 when any could not be read; every file is checked either way.
/// </summary>
/// <remarks>
/// An unknown property (a misspelled <c>bargein</c>, a deprecated <c>voice_name</c>) is a warning, printed as
/// <c>file:pointer: warning: reason</c> with its suggestion, and does not change the exit code: Vonage's schema allows
/// extra properties and the host ignores them at run time, so a file that runs there is valid here. <c>--strict</c>
/// makes them errors (exit 1), as <c>Ncco:Validation:Strict=true</c> does for the host.
/// </remarks>
public static class ValidateCommand
{
    /// <summary>Exit code when every file is a valid NCCO.</summary>
    public const int Valid = ExitCodes.Success;

    /// <summary>Exit code when any file is not a valid NCCO, or a directory holds no <c>*.json</c> file.</summary>
    public const int Invalid = ExitCodes.InvalidInput;

    /// <summary>Exit code when any file or directory could not be read (it wins over <see cref="Invalid"/>).</summary>
    public const int Unreadable = ExitCodes.Failure;

    /// <summary>The error code of a file or directory that could not be read.</summary>
    public const string UnreadableCode = "unreadable";

    /// <summary>The error code of a directory with no <c>*.json</c> file in it.</summary>
    public const string EmptyDirectoryCode = "no-json-files";

    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var files = FileArguments.Create("files",
            "NCCO JSON files to check; a directory means the *.json files in it (not its subdirectories); - reads standard input.");
        var format = new Option<string>("--format")
        {
            Description = "Output format: text (file:pointer: reason per line) or json.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");
        var schema = new Option<bool>("--schema")
        {
            Description = "Check against the NCCO JSON Schema (ncco schema) with JsonSchema.Net, a standard JSON Schema 2020-12 validator, "
                + "instead of Ncco's own rules (which also check what a schema cannot express).",
        };

        var strict = new Option<bool>("--strict")
        {
            Description = "Treat unknown properties as errors (exit 1), as the host does with Ncco:Validation:Strict=true; by default they are warnings.",
        };

        var command = new Command("validate", "Check NCCO files and print every error and warning with its JSON pointer.") { files, format, schema, strict };
        command.SetAction(parse => Run(parse.GetValue(files)!, parse.GetValue(format) == "json", console, parse.GetValue(schema), parse.GetValue(strict)));
        return command;
    }

    /// <summary>Validates each file and writes the report; returns the exit code.</summary>
    /// <param name="paths">Files, directories or <c>-</c>.</param>
    /// <param name="json">Write the JSON report instead of text.</param>
    /// <param name="console">Where to read standard input and write the report.</param>
    /// <param name="schema">Check with the JSON Schema (<see cref="SchemaCheck"/>) instead of Ncco's rules.</param>
    /// <param name="strict">Report unknown properties as errors instead of warnings.</param>
    public static int Run(IReadOnlyList<string> paths, bool json, CliConsole console, bool schema = false, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(console);
        var rules = new NccoValidationOptions { Strict = strict };
        Func<ReadOnlyMemory<byte>, IReadOnlyList<NccoError>> validate = schema ? new SchemaCheck().Validate : bytes => NccoValidator.Validate(bytes, rules);
        var results = paths.SelectMany(path => Expand(path, console.In, validate)).ToList();
        if (json) JsonReport.Write(results, console.Out);
        else TextReport.Write(results, console.Out);
        if (results.Any(r => r.Errors.Any(e => e.Code == UnreadableCode))) return Unreadable;
        return results.All(r => r.IsValid) ? Valid : Invalid;
    }

    // A directory is the *.json files directly in it (name order, so the report is the same on every machine);
    // anything else is one file.
    private static IEnumerable<FileResult> Expand(string path, TextReader stdin, Func<ReadOnlyMemory<byte>, IReadOnlyList<NccoError>> validate)
    {
        if (path == "-" || !Directory.Exists(path)) return [Check(path, stdin, validate)];
        string[] files;
        try
        {
            files = Directory.GetFiles(path, "*.json", SearchOption.TopDirectoryOnly);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [new FileResult(path, [new NccoError(string.Empty, UnreadableCode, "cannot read the directory: " + e.Message)])];
        }
        if (files.Length == 0)
        {
            return [new FileResult(path, [new NccoError(string.Empty, EmptyDirectoryCode, "is a directory with no *.json files in it (subdirectories are not searched)")])];
        }
        Array.Sort(files, StringComparer.Ordinal);
        return files.Select(file => Check(file, stdin, validate));
    }

    private static FileResult Check(string path, TextReader stdin, Func<ReadOnlyMemory<byte>, IReadOnlyList<NccoError>> validate)
    {
        var name = path == "-" ? "<stdin>" : path;
        try
        {
            // A file is validated as bytes, so text that is not valid UTF-8 is reported where it is, not silently replaced.
            return new FileResult(name, validate(path == "-" ? System.Text.Encoding.UTF8.GetBytes(stdin.ReadToEnd()) : File.ReadAllBytes(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new FileResult(name, [new NccoError(string.Empty, UnreadableCode, "cannot read the file: " + e.Message)]);
        }
    }
}
