using Ncco.Host.Applications;
using Ncco.Model;
using Ncco.Webhooks;

namespace Ncco.Host.Calls;

/// <summary>Turns a stored <see cref="Application"/> into the VM's <see cref="VoiceApplication"/>.</summary>
internal static class ApplicationVoiceSettings
{
    /// <summary>
    /// The VM view of <paramref name="application"/>: its webhooks with their socket timeouts, the account's
    /// signature secret when <c>signed_callbacks</c> is on, and this host's public URL for <c>region_url</c> and
    /// recording URLs.
    /// </summary>
    public static VoiceApplication Create(Application application, string apiKey, string signatureSecret, string publicUrl)
    {
        var voice = application.Voice;
        var baseUrl = publicUrl.TrimEnd('/');
        return new VoiceApplication
        {
            ApplicationId = application.Id,
            ApiKey = apiKey,
            AnswerUrl = Target(voice?.AnswerUrl, WebhookMethod.Get),
            FallbackAnswerUrl = Target(voice?.FallbackAnswerUrl, WebhookMethod.Get),
            EventUrl = Target(voice?.EventUrl, WebhookMethod.Post),
            SignatureSecret = voice?.SignedCallbacks == true ? signatureSecret : null,
            RegionUrl = baseUrl,
            FilesBaseUrl = baseUrl + "/v1/files/",
            // conversations_ttl 0 is "infinite" in Vonage's Java and Node docs.
            NamedConversationTtl = voice is null ? TimeSpan.FromHours(VoiceCapability.DefaultConversationsTtl)
                : voice.ConversationsTtl == 0 ? null : TimeSpan.FromHours(voice.ConversationsTtl),
        };
    }

    private static WebhookTarget? Target(Webhook? webhook, WebhookMethod fallback)
    {
        if (webhook is null) return null;
        var method = string.Equals(webhook.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase) ? WebhookMethod.Post
            : string.Equals(webhook.HttpMethod, "GET", StringComparison.OrdinalIgnoreCase) ? WebhookMethod.Get
            : fallback;
        return new WebhookTarget(webhook.Address, method)
        {
            Timeout = webhook.SocketTimeout is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        };
    }
}
