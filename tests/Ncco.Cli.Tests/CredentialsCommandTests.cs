using Ncco.Cli;
using Ncco.Cli.Commands;
using Ncco.Host.Auth;

namespace Ncco.Cli.Tests;

/// <summary>Issue 16, secrets on disk: account.json is the owner's alone, and <c>ncco credentials</c> prints it.</summary>
public sealed class CredentialsCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ncco-credentials-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Prints_the_generated_key_and_secrets_of_a_data_directory()
    {
        var account = AccountCredentialsStore.Load(_directory, null, null, null);
        var (exit, output, _) = await RunAsync("credentials", "--data", _directory);
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("API key:          " + account.ApiKey, output, StringComparison.Ordinal);
        Assert.Contains("API secret:       " + account.ApiSecret, output, StringComparison.Ordinal);
        Assert.Contains("Signature secret: " + account.SignatureSecret, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_credentials_it_says_to_run_serve_and_creates_nothing()
    {
        var (exit, _, error) = await RunAsync("credentials", "--data", _directory);
        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("ncco serve", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "account.json")));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_account_file_is_created_readable_by_its_owner_only_and_an_older_open_one_is_narrowed()
    {
        AccountCredentialsStore.Load(_directory, null, null, null);
        var path = Path.Combine(_directory, "account.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        AccountCredentialsStore.Load(_directory, null, null, null);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await NccoCommandLine.RunAsync(args, new CliConsole(new StringReader(string.Empty), output, error));
        return (exit, output.ToString(), error.ToString());
    }
}
