using System.Security.Cryptography;
using System.Text.Json;

namespace Ncco.Host.Auth;

/// <summary>
/// Zero-configuration credentials: configured values win; otherwise a key, secret and signature secret are generated
/// on first start and kept in <c>account.json</c> in the data directory, so they survive restarts. The file holds the
/// API secret and the signature secret, so it is created readable by its owner only (0600, like the demo key), and
/// an older file found readable by others is narrowed to 0600 at start. <c>ncco credentials</c> prints it.
/// </summary>
public static class AccountCredentialsStore
{
    /// <summary>The configured credentials, or the stored ones, or new ones (then stored).</summary>
    public static AccountCredentials Load(string dataDirectory, string? apiKey, string? apiSecret, string? signatureSecret)
    {
        var path = Path.Combine(dataDirectory, "account.json");
        AccountCredentials? stored = null;
        if (File.Exists(path))
        {
            stored = JsonSerializer.Deserialize<AccountCredentials>(File.ReadAllText(path))
                ?? throw new InvalidDataException($"{path} is empty; delete it to generate new credentials.");
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) != 0)
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        if (stored is null)
        {
            stored = Generate();
            Directory.CreateDirectory(dataDirectory);
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(path, create)) JsonSerializer.Serialize(file, stored);
        }
        return new AccountCredentials(apiKey ?? stored.ApiKey, apiSecret ?? stored.ApiSecret, signatureSecret ?? stored.SignatureSecret);
    }

    /// <summary>The credentials stored in <paramref name="dataDirectory"/>, or null when there are none yet (nothing is created).</summary>
    public static AccountCredentials? Read(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "account.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<AccountCredentials>(File.ReadAllText(path)) : null;
    }

    /// <summary>New random credentials: an 8-hex-digit API key, a 16-hex-digit secret, a 64-hex-digit signature secret.</summary>
    public static AccountCredentials Generate() => new(RandomHex(4), RandomHex(8), RandomHex(32));

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
