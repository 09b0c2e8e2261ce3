using System.Security.Cryptography;
using System.Text.Json;

namespace Ncco.Host.Auth;

/// <summary>
/// Zero-configuration credentials: configured values win; otherwise a key, secret and signature secret are generated
/// on first start and kept in <c>account.json</c> in the data directory, so they survive restarts.
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
        }
        if (stored is null)
        {
            stored = new AccountCredentials(RandomHex(4), RandomHex(8), RandomHex(32));
            Directory.CreateDirectory(dataDirectory);
            File.WriteAllText(path, JsonSerializer.Serialize(stored));
        }
        return new AccountCredentials(apiKey ?? stored.ApiKey, apiSecret ?? stored.ApiSecret, signatureSecret ?? stored.SignatureSecret);
    }

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
