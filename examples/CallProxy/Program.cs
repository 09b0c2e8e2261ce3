// Masked calling: customers call a virtual number and are connected to their courier without seeing each
// other's numbers. If the courier is busy or does not answer, the synchronous connect event returns a fallback
// NCCO that tries the depot instead.
using System.Text.Json;

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

// virtual number → real number of the person behind it; depot is the fallback.
var routes = new Dictionary<string, string> { ["447700900100"] = "447700900200" };
const string Depot = "447700900999";

app.MapGet("/webhooks/answer", (HttpRequest r, string to, string from) =>
{
    if (!routes.TryGetValue(to, out var real))
        return Results.Json(new object[] { new { action = "talk", text = "This number is not in service." } });
    return Results.Json(new object[]
    {
        new { action = "talk", text = "Connecting you to your courier." },
        new
        {
            action = "connect",
            from = to, // present the virtual number, never the caller's own
            timeout = 20,
            eventType = "synchronous",
            eventUrl = new[] { $"{r.Scheme}://{r.Host}/webhooks/connect-events" },
            endpoint = new[] { new { type = "phone", number = real } },
        },
        new { action = "talk", text = "Your call has ended. Goodbye." },
    });
});

app.MapPost("/webhooks/connect-events", (HttpRequest r, JsonElement body) =>
{
    var status = body.TryGetProperty("status", out var s) ? s.GetString() : null;
    if (status is "busy" or "unanswered" or "timeout" or "rejected" or "failed")
    {
        return Results.Json(new object[]
        {
            new { action = "talk", text = "Your courier is not available. Connecting you to the depot." },
            new { action = "connect", from = "447700900100", endpoint = new[] { new { type = "phone", number = Depot } } },
            new { action = "talk", text = "Goodbye." },
        });
    }
    return Results.Ok();
});

app.MapPost("/webhooks/event", () => Results.Ok());

app.Run();

/// <summary>Entry point marker for tests.</summary>
public partial class Program;
