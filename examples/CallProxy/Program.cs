// Masked calling: customers call a virtual number and are connected to their courier without seeing each
// other's numbers. If the courier is busy or does not answer, the synchronous connect event returns a fallback
// NCCO that tries the depot instead.

var builder = WebApplication.CreateBuilder(args);
// The connect events are answered by an MVC controller (ConnectEventsController), as many Vonage .NET samples do.
builder.Services.AddControllers();
var app = builder.Build();
app.MapControllers();

// virtual number → real number of the person behind it; depot is the fallback.
var routes = new Dictionary<string, string> { ["447700900100"] = "447700900200" };

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

app.MapPost("/webhooks/event", () => Results.Ok());

app.Run();

/// <summary>Entry point marker for tests.</summary>
public partial class Program;
