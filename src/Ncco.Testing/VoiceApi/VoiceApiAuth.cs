using System.Buffers.Text;
using System.Text.Json;

namespace Ncco.Testing.VoiceApi;

/// <summary>
/// The simulator's check of <c>Authorization: Bearer</c>: the token must be a well-formed application JWT (three
/// base64url parts; a JSON header naming an <c>alg</c>; a JSON payload with an <c>application_id</c>). The signature,
/// the key and the id itself are not checked: the test owns neither the app's private key nor its real application id,
/// and a test that passes must not depend on them. What it does catch is the app that sends no token, an API key and
/// secret, or a token it built wrong — each answered 401 with Vonage's body, as the platform would.
/// </summary>
internal static class VoiceApiAuth
{
    /// <summary>Null when the request may go on, else why it may not (the 401's <c>detail</c>).</summary>
    public static string? Refusal(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization)) return "Send Authorization: Bearer with a JWT signed by your application's private key.";
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return "The Voice API takes an application JWT (Authorization: Bearer), not an API key and secret.";
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return "Authorization must be Bearer <application JWT>.";
        var parts = authorization["Bearer ".Length..].Trim().Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0) return "The bearer token is not a JWT (three base64url parts separated by dots).";
        if (Json(parts[0]) is not { } header || !header.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String)
            return "The JWT's header is not base64url JSON naming its alg.";
        header.Dispose();
        using var payload = Json(parts[1]);
        if (payload is null) return "The JWT's payload is not base64url JSON.";
        if (!payload.RootElement.TryGetProperty("application_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString()!.Length == 0)
            return "The JWT has no application_id claim: sign it as your Vonage application (application id and private key).";
        return null;
    }

    private static JsonDocument? Json(string part)
    {
        if (part.Length > 8192) return null;
        var bytes = new byte[Base64Url.GetMaxDecodedLength(part.Length)];
        if (!Base64Url.TryDecodeFromChars(part, bytes, out var written)) return null;
        try
        {
            var document = JsonDocument.Parse(bytes.AsMemory(0, written));
            if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A well-formed (unsigned) application JWT for <paramref name="applicationId"/>, for tests that call the API themselves.</summary>
    public static string TokenFor(string applicationId)
    {
        static string Part(string json) => Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(json));
        return Part("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Part("{\"application_id\":\"" + JsonEncodedText.Encode(applicationId) + "\",\"iat\":0}") + ".";
    }
}
