namespace Ncco.Host.Auth;

/// <summary>
/// The account's API key and secret (Basic auth for the Applications API) and signature secret (HS256 key of
/// signed webhooks).
/// </summary>
/// <param name="ApiKey">The API key.</param>
/// <param name="ApiSecret">The API secret.</param>
/// <param name="SignatureSecret">The webhook signature secret.</param>
public sealed record AccountCredentials(string ApiKey, string ApiSecret, string SignatureSecret);
