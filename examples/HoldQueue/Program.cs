// A hold queue that controls its calls through the Vonage Voice REST API: callers wait in a conversation of their
// own; once a call is answered the app tells the caller their place with PUT /v1/calls/{uuid}/talk (in the background,
// after answering the event, as apps do); an agent who becomes free (POST /agents/{number}/ready, from the agents'
// dashboard) takes the longest-waiting caller, whom the app transfers with PUT /v1/calls/{uuid} (action transfer,
// an NCCO that connects the agent); closing the line hangs up everyone still waiting (action hangup).
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<CallerQueue>();
builder.Services.AddSingleton(new ApplicationKey(builder.Configuration["VONAGE_PRIVATE_KEY"]));
builder.Services.AddHttpClient<VonageVoice>();
var app = builder.Build();

app.MapGet("/webhooks/answer", (string uuid) => Results.Json(new object[]
{
    new { action = "talk", text = "Thank you for calling Acme. All our agents are busy; please hold." },
    new { action = "conversation", name = "hold-" + uuid },
}));

app.MapPost("/webhooks/event", (CallEvent e, CallerQueue queue, VonageVoice voice, ILogger<Program> log) =>
{
    if (e is { Status: "answered", Direction: "inbound" })
    {
        var place = queue.Join(e.Uuid);
        _ = Task.Run(async () =>
        {
            try
            {
                await voice.TalkAsync(e.Uuid, $"You are number {place} in the queue.");
            }
            catch (HttpRequestException ex)
            {
                log.LogWarning(ex, "Could not tell call {Uuid} its place", e.Uuid);
            }
        });
    }
    else if (e.Status is "completed") queue.Leave(e.Uuid);
    return Results.NoContent();
});

app.MapPost("/agents/{number}/ready", async (string number, CallerQueue queue, VonageVoice voice, CancellationToken cancellationToken) =>
{
    if (queue.Next() is not { } uuid) return Results.NotFound();
    await voice.TransferAsync(uuid,
    [
        new { action = "talk", text = "Connecting you to an agent." },
        new { action = "connect", from = "447700900000", endpoint = new[] { new { type = "phone", number } } },
    ], cancellationToken);
    return Results.Ok(new { uuid });
});

app.MapPost("/queue/close", async (CallerQueue queue, VonageVoice voice, CancellationToken cancellationToken) =>
{
    foreach (var uuid in queue.Drain()) await voice.HangupAsync(uuid, cancellationToken);
    return Results.NoContent();
});

app.Run();

/// <summary>The fields of a call status event this app reads.</summary>
public sealed record CallEvent(string Uuid, string Status, string? Direction);

public partial class Program;
