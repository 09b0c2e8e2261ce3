// Acme IVR: a Vonage Voice webhook app as you would write it — ASP.NET minimal APIs returning NCCO JSON.
// Main menu (DTMF or speech), a nested sales menu, invalid input, retries and a timeout that ends the call.
using System.Text.Json;

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

const int MaxAttempts = 3;
string baseUrl(HttpRequest r) => $"{r.Scheme}://{r.Host}";

object[] MainMenu(HttpRequest r, int attempt, string? preface = null)
{
    var actions = new List<object>();
    if (preface is not null) actions.Add(new { action = "talk", text = preface });
    actions.Add(new
    {
        action = "talk",
        text = "Welcome to Acme. For sales, press 1 or say sales. For support, press 2 or say support. For opening hours, press 3.",
        bargeIn = true,
    });
    actions.Add(new
    {
        action = "input",
        type = new[] { "dtmf", "speech" },
        dtmf = new { maxDigits = 1, timeOut = 5 },
        speech = new { context = new[] { "sales", "support", "hours" }, endOnSilence = 1, startTimeout = 5 },
        eventUrl = new[] { $"{baseUrl(r)}/webhooks/menu?attempt={attempt}" },
    });
    return actions.ToArray();
}

object[] SalesMenu(HttpRequest r) =>
[
    new { action = "talk", text = "Sales. For new phones, press 1. For contracts, press 2. To go back, press 9.", bargeIn = true },
    new { action = "input", type = new[] { "dtmf" }, dtmf = new { maxDigits = 1, timeOut = 5 }, eventUrl = new[] { $"{baseUrl(r)}/webhooks/sales" } },
];

static (string? Digits, string? Speech) ReadInput(JsonElement body)
{
    string? digits = body.TryGetProperty("dtmf", out var d) && d.TryGetProperty("digits", out var x) && x.ValueKind == JsonValueKind.String ? x.GetString() : null;
    string? speech = body.TryGetProperty("speech", out var s) && s.TryGetProperty("results", out var res) && res.GetArrayLength() > 0
        ? res[0].GetProperty("text").GetString()?.ToLowerInvariant() : null;
    return (string.IsNullOrEmpty(digits) ? null : digits, speech);
}

app.MapGet("/webhooks/answer", (HttpRequest r) => Results.Json(MainMenu(r, 1)));

app.MapPost("/webhooks/menu", (HttpRequest r, int attempt, JsonElement body) =>
{
    var (digits, speech) = ReadInput(body);
    var choice = digits ?? speech switch
    {
        { } s when s.Contains("sales") => "1",
        { } s when s.Contains("support") => "2",
        { } s when s.Contains("hours") => "3",
        null => null,
        _ => "?",
    };
    return choice switch
    {
        "1" => Results.Json(SalesMenu(r)),
        "2" => Results.Json(new object[]
        {
            new { action = "talk", text = "Support is available online at acme dot example. Goodbye." },
        }),
        "3" => Results.Json(MainMenu(r, 1, "We are open nine to five, Monday to Friday.")),
        null when attempt >= MaxAttempts => Results.Json(new object[] { new { action = "talk", text = "We did not receive any input. Goodbye." } }),
        null => Results.Json(MainMenu(r, attempt + 1, "Sorry, I didn't catch that.")),
        _ when attempt >= MaxAttempts => Results.Json(new object[] { new { action = "talk", text = "Too many invalid options. Goodbye." } }),
        _ => Results.Json(MainMenu(r, attempt + 1, "That is not a valid option.")),
    };
});

app.MapPost("/webhooks/sales", (HttpRequest r, JsonElement body) =>
{
    var (digits, _) = ReadInput(body);
    return digits switch
    {
        "1" => Results.Json(new object[] { new { action = "talk", text = "Our new phones start at 99 euros. Goodbye." } }),
        "2" => Results.Json(new object[] { new { action = "talk", text = "Contracts start at 10 euros a month. Goodbye." } }),
        "9" => Results.Json(MainMenu(r, 1)),
        _ => Results.Json(SalesMenu(r)),
    };
});

app.MapPost("/webhooks/event", () => Results.Ok());

app.Run();

/// <summary>Entry point marker for tests.</summary>
public partial class Program;
