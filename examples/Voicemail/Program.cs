// Voicemail: greet by the time of day, record until # or 3 seconds of silence (max 2 minutes), then store the
// recording event with the time it arrived.
//
// The app reads the time from the TimeProvider service, never DateTime.Now: in production that is the system clock,
// under Ncco.Testing it is the call's virtual clock, so "good evening" is testable at 09:00 in the morning.
using System.Collections.Concurrent;
using System.Text.Json;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<VoicemailBox>();
var app = builder.Build();

app.MapGet("/webhooks/answer", (HttpRequest r, string from, TimeProvider clock) => Results.Json(new object[]
{
    new { action = "talk", text = $"{Greeting(clock)}, you have reached Sam. Please leave a message after the tone, and press hash when you are done." },
    new
    {
        action = "record",
        endOnKey = "#",
        endOnSilence = 3,
        timeOut = 120,
        beepStart = true,
        format = "mp3",
        eventUrl = new[] { $"{r.Scheme}://{r.Host}/webhooks/recording?from={from}" },
    },
    new { action = "talk", text = "Thank you, your message has been saved. Goodbye." },
}));

app.MapPost("/webhooks/recording", (string from, JsonElement body, VoicemailBox box, TimeProvider clock) =>
{
    box.Add(new Voicemail(
        from,
        body.GetProperty("recording_url").GetString()!,
        body.GetProperty("recording_uuid").GetString()!,
        DateTimeOffset.Parse(body.GetProperty("start_time").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset.Parse(body.GetProperty("end_time").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
        body.GetProperty("size").GetInt64(),
        clock.GetUtcNow()));
    return Results.NoContent();
});

app.MapGet("/voicemails", (VoicemailBox box) => box.All);
app.MapPost("/webhooks/event", () => Results.Ok());

app.Run();

static string Greeting(TimeProvider clock) => clock.GetLocalNow().Hour switch
{
    < 12 => "Good morning",
    < 18 => "Good afternoon",
    _ => "Good evening",
};

/// <summary>A stored message.</summary>
public sealed record Voicemail(string From, string RecordingUrl, string RecordingUuid, DateTimeOffset Start, DateTimeOffset End, long Size, DateTimeOffset ReceivedAt)
{
    /// <summary>Length of the message.</summary>
    public TimeSpan Length => End - Start;
}

/// <summary>In-memory voicemail storage.</summary>
public sealed class VoicemailBox
{
    private readonly ConcurrentQueue<Voicemail> _messages = new();

    /// <summary>All messages, oldest first.</summary>
    public IReadOnlyList<Voicemail> All => _messages.ToArray();

    /// <summary>Stores a message.</summary>
    public void Add(Voicemail message) => _messages.Enqueue(message);
}

/// <summary>Entry point marker for tests.</summary>
public partial class Program;
