using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

/// <summary>
/// The few Voice REST API calls this app makes (reference: PUT /v1/calls/{uuid}, …/talk), each with an application
/// JWT signed RS256 by the application's private key. The API host is configuration <c>VONAGE_API_HOST</c> (default
/// https://api.nexmo.com): a test points it at the virtual caller's API.
/// </summary>
public sealed class VonageVoice(HttpClient http, IConfiguration configuration, TimeProvider clock, ILogger<VonageVoice> log, ApplicationKey key)
{
    private readonly RSA _key = key.Rsa;

    private string ApplicationId => configuration["VONAGE_APPLICATION_ID"] ?? "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

    public Task TalkAsync(string uuid, string text, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"/v1/calls/{uuid}/talk", new { text, language = "en-GB" }, cancellationToken);

    public Task TransferAsync(string uuid, object[] ncco, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"/v1/calls/{uuid}", new { action = "transfer", destination = new { type = "ncco", ncco } }, cancellationToken);

    public Task HangupAsync(string uuid, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"/v1/calls/{uuid}", new { action = "hangup" }, cancellationToken);

    private async Task SendAsync(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        var host = new Uri(configuration["VONAGE_API_HOST"] ?? "https://api.nexmo.com");
        using var request = new HttpRequestMessage(method, new Uri(host, path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token());
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            log.LogWarning("{Method} {Path} answered {Status}: {Detail}", method, path, (int)response.StatusCode, detail);
            response.EnsureSuccessStatusCode();
        }
    }

    private string Token()
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { application_id = ApplicationId, iat = now, exp = now + 300, jti = Guid.NewGuid().ToString() }));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + payload + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// The application's private key (configuration <c>VONAGE_PRIVATE_KEY</c>: a PEM or a path to one), loaded once at
/// start-up. Without one the app makes a throwaway key, which only a test API (one that checks the token's form, not
/// its signature) accepts. Made at start, not on the first call: generating an RSA key takes up to seconds.
/// </summary>
public sealed class ApplicationKey
{
    public ApplicationKey(string? pem)
    {
        Rsa = RSA.Create(2048);
        if (!string.IsNullOrEmpty(pem)) Rsa.ImportFromPem(File.Exists(pem) ? File.ReadAllText(pem) : pem);
        else Rsa.ExportRSAPublicKey(); // generates it now (the platform's RSA makes the key on first use)
    }

    public RSA Rsa { get; }
}
