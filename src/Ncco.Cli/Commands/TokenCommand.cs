using System.CommandLine;
using Ncco.Host.Demo;
using Ncco.Host.Operations;

namespace Ncco.Cli.Commands;

/// <summary>
/// <c>ncco token [--application id] [--key file] [--ttl seconds]</c>: prints an RS256 application JWT
/// (<c>application_id</c>, <c>iat</c>, a new <c>jti</c>, <c>exp</c>) for the Voice REST API. Without options it signs
/// for the demo application with the key <c>ncco serve</c> keeps in <c>ncco-data/demo-application.key</c>.
/// The host accepts the token until it expires, as Vonage does, so one token serves a series of requests.
/// </summary>
public static class TokenCommand
{
    /// <summary>Exit code when the token was printed.</summary>
    public const int Printed = 0;

    /// <summary>Exit code when the key file could not be read.</summary>
    public const int Failed = ExitCodes.Failure;

    /// <summary>Exit code when the key file is not an RSA private key.</summary>
    public const int NotAKey = ExitCodes.InvalidInput;

    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var application = new Option<string>("--application", "-a")
        {
            Description = "The application id (default: the demo application's).",
            DefaultValueFactory = _ => DemoOptions.DefaultApplicationId,
        };
        var key = new Option<FileInfo>("--key", "-k")
        {
            Description = "The application's PEM private key (default: ncco-data/" + DemoOptions.KeyFileName + ").",
            DefaultValueFactory = _ => new FileInfo(Path.Combine("ncco-data", DemoOptions.KeyFileName)),
        };
        var ttl = new Option<int>("--ttl")
        {
            Description = "Seconds until the token expires (1 to 86400; default 900).",
            DefaultValueFactory = _ => (int)ApplicationJwtIssuer.DefaultLifetime.TotalSeconds,
        };
        ttl.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 86400) result.AddError("--ttl must be from 1 to 86400 seconds.");
        });

        var command = new Command("token", "Print an RS256 application JWT for the Voice REST API (Authorization: Bearer …).") { application, key, ttl };
        command.SetAction(parse => Run(parse.GetValue(application)!, parse.GetValue(key)!, TimeSpan.FromSeconds(parse.GetValue(ttl)), TimeProvider.System, console));
        return command;
    }

    /// <summary>Signs and prints a token; returns the exit code.</summary>
    public static int Run(string applicationId, FileInfo key, TimeSpan lifetime, TimeProvider time, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(console);
        if (string.IsNullOrWhiteSpace(applicationId))
        {
            console.Error.WriteLine("--application must be an application id.");
            return ExitCodes.Usage;
        }
        string pem;
        try
        {
            pem = File.ReadAllText(key.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"cannot read the key {key.FullName}: {e.Message}");
            return Failed;
        }

        try
        {
            console.Out.WriteLine(ApplicationJwtIssuer.Create(pem, applicationId, time.GetUtcNow(), lifetime));
            return Printed;
        }
        catch (ArgumentException)
        {
            console.Error.WriteLine($"{key.FullName} is not a PEM RSA private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).");
            return NotAKey;
        }
    }
}
