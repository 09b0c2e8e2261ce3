using System.Net;
using System.Net.Sockets;
using Ncco.Cli;

namespace Ncco.Cli.Tests;

/// <summary>What every command shares: the name in help, the exit codes, errors as one line.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ncco-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Help_names_the_command_ncco_and_lists_the_exit_codes()
    {
        var (exit, output, _) = TokenCommandTests.Run("--help");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Usage:\n  ncco [command] [options]", output.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("Ncco.Cli", output);
        Assert.DoesNotContain("testhost", output);
        Assert.Contains("Exit codes:", output);
        Assert.Matches(@"\n\s+0  success\n", output.ReplaceLineEndings("\n"));
        Assert.Matches(@"\n\s+1  invalid input: an NCCO breaks a rule", output.ReplaceLineEndings("\n"));
        Assert.Matches(@"\n\s+2  usage error: ", output.ReplaceLineEndings("\n"));
        Assert.Matches(@"\n\s+3  failure: ", output.ReplaceLineEndings("\n"));
        foreach (var command in new[] { "validate", "schema", "serve", "token" }) Assert.Contains("  " + command, output);
    }

    [Fact]
    public void Subcommand_help_is_under_ncco()
    {
        var (exit, output, _) = TokenCommandTests.Run("validate", "--help");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Usage:\n  ncco validate <files>... [options]", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void An_unknown_command_is_a_usage_error_on_standard_error()
    {
        var (exit, output, error) = TokenCommandTests.Run("valdate", "x.json");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(output);
        Assert.Contains("ncco: ", error);
        Assert.Contains("valdate", error);
        Assert.EndsWith("Run 'ncco --help' for usage.", error.Trim());
    }

    [Fact]
    public void A_misspelt_option_is_not_taken_for_a_file()
    {
        var (exit, output, error) = TokenCommandTests.Run("validate", "--fromat", "json", "x.json");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(output);
        Assert.Contains("ncco: unknown option '--fromat'", error);
    }

    [Fact]
    public void Version_prints_the_package_version()
    {
        var (exit, output, _) = TokenCommandTests.Run("--version");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }

    [Fact]
    public void A_schema_that_cannot_be_written_is_a_failure_in_one_line()
    {
        var target = Path.Combine(_directory, "no-such-directory", "schema.json");

        var (exit, _, error) = TokenCommandTests.Run("schema", "--output", target);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.StartsWith("ncco: Could not find a part of the path", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Serve_on_a_port_in_use_is_a_failure_in_one_line()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(new StringReader(string.Empty), output, error);

        var exit = await NccoCommandLine.RunAsync(
            ["serve", "--urls", $"http://127.0.0.1:{port}", "--data-directory", _directory, "--no-demo", "--Logging:LogLevel:Default=None",
             "--Ncco:Sip:Enabled=false"], console);

        Assert.Equal(ExitCodes.Failure, exit);
        var lines = error.ToString().Trim().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("ncco: ", lines[0]);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[0]);
        Assert.DoesNotContain("   at ", error.ToString());
    }
}
