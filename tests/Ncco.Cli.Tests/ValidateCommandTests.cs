using System.Text.Json;
using Ncco.Cli;
using Ncco.Cli.Commands;

namespace Ncco.Cli.Tests;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ncco-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Prints_all_three_mistakes_with_pointers_and_fails_on_the_two_errors()
    {
        var (exit, output) = Run("validate", Example("three-mistakes.json"));

        Assert.Equal(ValidateCommand.Invalid, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith(Example("three-mistakes.json") + ":/0/bargein: warning: unknown property \"bargein\" on the talk action; did you mean \"bargeIn\"?", lines[0]);
        Assert.StartsWith(Example("three-mistakes.json") + ":/1/endOnSilence: must be from 3 to 10, got 30", lines[1]);
        Assert.StartsWith(Example("three-mistakes.json") + ":/1/eventUrl: must be an array holding one URL", lines[2]);
        Assert.Equal("2 errors in 1 file (0 files valid), 1 warning", lines[3]);
    }

    [Fact]
    public void An_unknown_property_alone_is_a_warning_and_the_file_is_valid()
    {
        var (exit, output) = Run(["validate", "-"], stdin: """[{"action":"talk","text":"hi","voice_name":"Amy"}]""");

        Assert.Equal(ValidateCommand.Valid, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("<stdin>:/0/voice_name: warning: unknown property \"voice_name\"", lines[0]);
        Assert.Equal("1 file valid, 1 warning", lines[1]);
    }

    [Fact]
    public void Strict_makes_an_unknown_property_an_error()
    {
        var (exit, output) = Run(["validate", "--strict", "-"], stdin: """[{"action":"talk","text":"hi","bargein":true}]""");

        Assert.Equal(ValidateCommand.Invalid, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("<stdin>:/0/bargein: unknown property \"bargein\" on the talk action; did you mean \"bargeIn\"?", lines[0]);
        Assert.Equal("1 error in 1 file (0 files valid)", lines[1]);
    }

    [Fact]
    public void A_wrong_type_stays_an_error_next_to_an_unknown_property()
    {
        var (exit, output) = Run(["validate", "-"], stdin: """[{"action":"talk","text":"hi","loop":"twice","colour":"red"}]""");

        Assert.Equal(ValidateCommand.Invalid, exit);
        Assert.Contains("<stdin>:/0/colour: warning: unknown property \"colour\"", output, StringComparison.Ordinal);
        Assert.Contains("<stdin>:/0/loop: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("/0/loop: warning", output, StringComparison.Ordinal);
        Assert.EndsWith("1 error in 1 file (0 files valid), 1 warning", output.Trim());
    }

    [Fact]
    public void A_valid_file_exits_zero()
    {
        var (exit, output) = Run("validate", Example("ivr-menu.json"));

        Assert.Equal(ValidateCommand.Valid, exit);
        Assert.Equal("1 file valid", output.Trim());
    }

    [Fact]
    public void Json_format_is_machine_readable_with_warnings_apart_from_errors()
    {
        var (exit, output) = Run("validate", "--format", "json", Example("three-mistakes.json"), Example("ivr-menu.json"));

        Assert.Equal(ValidateCommand.Invalid, exit);
        using var report = JsonDocument.Parse(output);
        Assert.False(report.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(2, report.RootElement.GetProperty("errorCount").GetInt32());
        Assert.Equal(1, report.RootElement.GetProperty("warningCount").GetInt32());
        var files = report.RootElement.GetProperty("files");
        Assert.Equal(["/1/endOnSilence", "/1/eventUrl"],
            files[0].GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("pointer").GetString()));
        Assert.Equal("range", files[0].GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal("/0/bargein", files[0].GetProperty("warnings")[0].GetProperty("pointer").GetString());
        Assert.True(files[1].GetProperty("valid").GetBoolean());
        Assert.Equal(0, files[1].GetProperty("warnings").GetArrayLength());
    }

    [Fact]
    public void Dash_reads_standard_input()
    {
        var (exit, output) = Run(["validate", "-"], stdin: """[{"action":"wait","timeout":9000}]""");

        Assert.Equal(ValidateCommand.Invalid, exit);
        Assert.StartsWith("<stdin>:/0/timeout: must be from 0.1 to 7200, got 9000", output);
    }

    [Fact]
    public void Malformed_json_names_line_and_column()
    {
        var path = Path.Combine(_directory, "broken.json");
        File.WriteAllText(path, "[\n  {\"action\": \"talk\", \"text\": \"hi\"\n]");

        var (exit, output) = Run("validate", path);

        Assert.Equal(ValidateCommand.Invalid, exit);
        Assert.StartsWith(path + ": not valid JSON (line 3, column 1)", output);
    }

    [Fact]
    public void A_missing_file_is_an_error_and_other_files_are_still_checked()
    {
        var missing = Path.Combine(_directory, "nope.json");

        var (exit, output) = Run("validate", missing, Example("ivr-menu.json"));

        Assert.Equal(ValidateCommand.Unreadable, exit);
        Assert.StartsWith(missing + ": cannot read the file:", output);
        Assert.Contains("1 error in 1 file (1 file valid)", output);
    }

    [Fact]
    public void An_unknown_format_is_a_usage_error()
    {
        var (exit, output) = Run("validate", "--format", "yaml", Example("ivr-menu.json"));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("yaml", output);
        Assert.Contains("Run 'ncco validate --help' for usage.", output);
    }

    [Fact]
    public void A_missing_argument_is_a_usage_error()
    {
        var (exit, output) = Run("validate");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.StartsWith("ncco: ", output);
    }

    [Fact]
    public void A_directory_means_the_json_files_in_it_in_name_order()
    {
        File.WriteAllText(Path.Combine(_directory, "b.json"), """[{"action":"talk","text":"hi","bargein":true}]""");
        File.WriteAllText(Path.Combine(_directory, "a.json"), """[{"action":"talk","text":"hi"}]""");
        File.WriteAllText(Path.Combine(_directory, "notes.txt"), "not an NCCO");
        Directory.CreateDirectory(Path.Combine(_directory, "nested"));
        File.WriteAllText(Path.Combine(_directory, "nested", "c.json"), "not even JSON");

        var (exit, output) = Run("validate", "--format", "json", _directory);

        // b.json's unknown property is a warning: both files are valid.
        Assert.Equal(ValidateCommand.Valid, exit);
        using var report = JsonDocument.Parse(output);
        var files = report.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal([Path.Combine(_directory, "a.json"), Path.Combine(_directory, "b.json")], files.Select(f => f.GetProperty("file").GetString()));
        Assert.True(files[0].GetProperty("valid").GetBoolean());
        Assert.True(files[1].GetProperty("valid").GetBoolean());
        Assert.Equal("/0/bargein", files[1].GetProperty("warnings")[0].GetProperty("pointer").GetString());
    }

    [Fact]
    public void The_examples_directory_is_checked_file_by_file()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "nccos");

        var (exit, output) = Run("validate", directory);

        Assert.Equal(ValidateCommand.Invalid, exit);   // three-mistakes.json is wrong on purpose
        Assert.DoesNotContain("denied", output, StringComparison.OrdinalIgnoreCase);
        var valid = Directory.GetFiles(directory, "*.json").Length - 1;
        Assert.Equal($"2 errors in 1 file ({valid} file{(valid == 1 ? "" : "s")} valid), 1 warning", output.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void A_directory_without_json_files_says_so()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_directory, "empty")).FullName;

        var (exit, output) = Run("validate", empty);

        Assert.Equal(ValidateCommand.Invalid, exit);
        Assert.StartsWith(empty + ": is a directory with no *.json files in it", output);
    }

    [Fact]
    public void Schema_checks_with_the_json_schema_and_names_the_keyword_at_each_pointer()
    {
        var (validExit, validOutput) = Run("validate", "--schema", Example("ivr-menu.json"));
        Assert.Equal(ValidateCommand.Valid, validExit);
        Assert.Equal("1 file valid", validOutput.Trim());

        var (exit, output) = Run("validate", "--schema", "--format", "json", Example("three-mistakes.json"));

        Assert.Equal(ValidateCommand.Invalid, exit);
        using var report = JsonDocument.Parse(output);
        var errors = report.RootElement.GetProperty("files")[0].GetProperty("errors").EnumerateArray()
            .Select(e => (Pointer: e.GetProperty("pointer").GetString(), Code: e.GetProperty("code").GetString())).ToList();
        // The same three places the rules find (the schema reports the enclosing action for an unknown property).
        Assert.Contains(errors, e => e.Pointer == "/1/endOnSilence" && e.Code == "schema:maximum");
        Assert.Contains(errors, e => e.Code!.StartsWith("schema:", StringComparison.Ordinal) && e.Pointer!.StartsWith("/0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Pointer!.StartsWith("/1/eventUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void Schema_reports_text_that_is_not_json()
    {
        var (exit, output) = Run(["validate", "--schema", "-"], stdin: "[{\"action\":");

        Assert.Equal(ValidateCommand.Invalid, exit);
        Assert.Contains("<stdin>: not valid JSON", output, StringComparison.Ordinal);
    }

    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "nccos", name);

    private static (int Exit, string Output) Run(params string[] args) => Run(args, stdin: string.Empty);

    private static (int Exit, string Output) Run(string[] args, string stdin)
    {
        var output = new StringWriter();
        var console = new CliConsole(new StringReader(stdin), output, output);
        var exit = NccoCommandLine.RunAsync(args, console).GetAwaiter().GetResult();
        return (exit, output.ToString());
    }
}

public sealed class SchemaCommandTests
{
    [Fact]
    public async Task Prints_the_committed_schema()
    {
        var output = new StringWriter();
        var console = new CliConsole(new StringReader(string.Empty), output, output);

        var exit = await NccoCommandLine.RunAsync(["schema"], console);

        Assert.Equal(0, exit);
        using var schema = JsonDocument.Parse(output.ToString());
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.RootElement.GetProperty("$schema").GetString());
        Assert.True(schema.RootElement.GetProperty("$defs").TryGetProperty("talk", out _));
    }
}
