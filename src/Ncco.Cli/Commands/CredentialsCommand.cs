using System.CommandLine;
using System.Text.Json;
using Ncco.Host.Auth;

namespace Ncco.Cli.Commands;

/// <summary>
/// <c>ncco credentials [--data dir]</c>: prints the API key and secret (the dashboard's sign-in and the Applications
/// API's Basic auth) and the signature secret that <c>ncco serve</c> generated and keeps in
/// <c>&lt;data&gt;/account.json</c> (readable by its owner only). Values configured with <c>Ncco:Account:*</c> win over
/// the file when the host runs; this command shows the file. Nothing is created: without the file it says to run
/// <c>ncco serve</c> once.
/// </summary>
public static class CredentialsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var data = new Option<DirectoryInfo>("--data", "-d")
        {
            Description = "The host's data directory (default: ncco-data).",
            DefaultValueFactory = _ => new DirectoryInfo("ncco-data"),
        };
        var command = new Command("credentials", "Print the API key and secret ncco serve generated (dashboard sign-in, Basic auth) and the signature secret.") { data };
        command.SetAction(parse => Run(parse.GetValue(data)!, console));
        return command;
    }

    /// <summary>Prints the stored credentials; returns the exit code.</summary>
    public static int Run(DirectoryInfo data, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(console);
        AccountCredentials? account;
        try
        {
            account = AccountCredentialsStore.Read(data.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            console.Error.WriteLine($"cannot read {Path.Combine(data.FullName, "account.json")}: {e.Message}");
            return ExitCodes.Failure;
        }
        if (account is null)
        {
            console.Error.WriteLine($"no credentials in {data.FullName} yet: run 'ncco serve' once (with the same data directory) to generate them.");
            return ExitCodes.Failure;
        }
        console.Out.WriteLine("API key:          " + account.ApiKey);
        console.Out.WriteLine("API secret:       " + account.ApiSecret);
        console.Out.WriteLine("Signature secret: " + account.SignatureSecret);
        return ExitCodes.Success;
    }
}
