using System.Globalization;
using System.Text.Json.Nodes;

namespace Ncco.Host.Demo;

/// <summary>
/// The demo IVR's NCCOs: a menu (talk with barge-in, then DTMF or speech input) whose choices are the echo bot,
/// the time, or goodbye. Every URL in them is absolute, built from the base URL the call reached the host at.
/// </summary>
public static class DemoNccos
{
    /// <summary>Menu attempts before the demo gives up on a silent or unclear caller.</summary>
    public const int MaxAttempts = 3;

    /// <summary>The audio format the echo bot is connected with.</summary>
    public const string BotContentType = "audio/l16;rate=16000";

    private const string MenuText = "Press 1 or say echo to hear yourself, press 2 or say time for the time, press 3 or say goodbye to hang up.";

    /// <summary>The first NCCO of a demo call: a welcome and the menu.</summary>
    public static JsonArray Answer(Uri baseUrl) =>
    [
        Talk("Welcome to the Ncco demo. " + MenuText, bargeIn: true),
        Input(baseUrl, attempt: 1),
    ];

    /// <summary>The NCCO that answers the menu's input result.</summary>
    /// <param name="baseUrl">The host's base URL.</param>
    /// <param name="choice">The caller's choice, from <see cref="Choose"/>.</param>
    /// <param name="attempt">Which attempt the result answers (1 for the first).</param>
    /// <param name="now">The current time, for the time choice.</param>
    public static JsonArray Reply(Uri baseUrl, DemoChoice choice, int attempt, DateTimeOffset now) => choice switch
    {
        DemoChoice.Echo =>
        [
            Talk("Connecting you to the echo bot. You will hear yourself a second later. Hang up when you are done."),
            new JsonObject
            {
                ["action"] = "connect",
                ["endpoint"] = new JsonArray(new JsonObject
                {
                    ["type"] = "websocket",
                    ["uri"] = BotUrl(baseUrl).ToString(),
                    ["content-type"] = BotContentType,
                    ["headers"] = new JsonObject { ["demo"] = "echo" },
                }),
            },
        ],
        DemoChoice.Time =>
        [
            Talk("It is " + now.UtcDateTime.ToString("H:mm", CultureInfo.InvariantCulture) + " UTC. " + MenuText, bargeIn: true),
            Input(baseUrl, attempt: 1),
        ],
        DemoChoice.Goodbye => [Talk("Goodbye, thanks for trying Ncco.")],
        _ when attempt >= MaxAttempts => [Talk("Sorry, I still did not get that. Goodbye.")],
        _ =>
        [
            Talk("Sorry, I did not get that. " + MenuText, bargeIn: true),
            Input(baseUrl, attempt + 1),
        ],
    };

    /// <summary>The caller's choice from the input result's DTMF digits and best speech result.</summary>
    public static DemoChoice Choose(string? digits, string? speech)
    {
        switch (digits)
        {
            case "1": return DemoChoice.Echo;
            case "2": return DemoChoice.Time;
            case "3": return DemoChoice.Goodbye;
        }
        var text = speech?.ToLowerInvariant() ?? string.Empty;
        if (text.Contains("echo", StringComparison.Ordinal)) return DemoChoice.Echo;
        if (text.Contains("time", StringComparison.Ordinal)) return DemoChoice.Time;
        if (text.Contains("bye", StringComparison.Ordinal)) return DemoChoice.Goodbye;
        return DemoChoice.Unknown;
    }

    /// <summary>
    /// <paramref name="url"/> as a base URL: absolute http(s), ending with <c>/</c> so that relative paths resolve under
    /// it (<c>https://example.com/ncco</c> → <c>https://example.com/ncco/demo/answer</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The URL is not absolute http or https.</exception>
    public static Uri BaseUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{url}' is not an absolute http or https URL.", nameof(url));
        }
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.GetLeftPart(UriPartial.Path) + "/");
    }

    /// <summary>The echo bot's WebSocket URL under <paramref name="baseUrl"/>.</summary>
    public static Uri BotUrl(Uri baseUrl)
    {
        var builder = new UriBuilder(new Uri(baseUrl, "demo/bot")) { Scheme = baseUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" };
        // UriBuilder keeps an explicit default port (ws://host:80/…); drop it so the URL reads as people write it.
        if (builder.Uri.IsDefaultPort) builder.Port = -1;
        return builder.Uri;
    }

    private static JsonObject Talk(string text, bool bargeIn = false)
    {
        var talk = new JsonObject { ["action"] = "talk", ["text"] = text, ["language"] = "en-US" };
        if (bargeIn) talk["bargeIn"] = true;
        return talk;
    }

    private static JsonObject Input(Uri baseUrl, int attempt) => new()
    {
        ["action"] = "input",
        ["type"] = new JsonArray("dtmf", "speech"),
        ["dtmf"] = new JsonObject { ["maxDigits"] = 1, ["timeOut"] = 5 },
        ["speech"] = new JsonObject
        {
            ["language"] = "en-US",
            ["context"] = new JsonArray("echo", "time", "goodbye"),
            ["endOnSilence"] = 1,
            ["startTimeout"] = 5,
        },
        ["eventUrl"] = new JsonArray(new Uri(baseUrl, "demo/input?attempt=" + attempt.ToString(CultureInfo.InvariantCulture)).ToString()),
        ["eventMethod"] = "POST",
    };
}
