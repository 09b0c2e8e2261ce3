using System.CommandLine;
using Ncco.Schema;
using Ncco.Testing.Scenarios;

namespace Ncco.Cli.Commands;

/// <summary>
/// <c>ncco schema [--output file]</c>: prints the NCCO JSON Schema (2020-12) generated from the validator's rule
/// table, so editors and other languages check NCCOs exactly as Ncco does.
/// </summary>
public static class SchemaCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the schema to this file instead of standard output." };
        var scenarios = new Option<bool>("--scenarios") { Description = "Print the JSON Schema of scenario files (ncco test) instead." };
        var command = new Command("schema", "Print the NCCO JSON Schema generated from the validator's rules.") { output, scenarios };
        command.SetAction(parse =>
        {
            var schema = parse.GetValue(scenarios) ? ScenarioJsonSchema.Generate() : NccoJsonSchema.Generate();
            if (parse.GetValue(output) is { } file)
            {
                File.WriteAllText(file.FullName, schema);
                console.Out.WriteLine($"wrote {file.FullName}");
            }
            else
            {
                console.Out.Write(schema);
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
