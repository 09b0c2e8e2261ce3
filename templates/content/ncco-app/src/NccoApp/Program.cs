using System.Text.Json;
using Ncco;
using Ncco.Model;

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

// The answer webhook: when a call comes in, the platform (Vonage, or the Ncco host) asks what the call should do.
app.MapGet("/webhooks/answer", (HttpRequest request) => NccoBuilder.Create()
    .Talk("Welcome to NccoApp. For our opening hours, press 1. To leave a message, press 2.", bargeIn: true)
    .Input(InputTypes.Dtmf, $"{request.Scheme}://{request.Host}/webhooks/menu", dtmf: new() { MaxDigits = 1 })
    .Build());

// The input's event webhook: the key the caller pressed, answered with what happens next.
app.MapPost("/webhooks/menu", (JsonElement input) => Digits(input) switch
{
    "1" => NccoBuilder.Create().Talk("We are open from nine to five, Monday to Friday. Goodbye.").Build(),
    "2" => NccoBuilder.Create().Talk("Sorry, our mailbox is full. Please call again later. Goodbye.").Build(),
    _ => NccoBuilder.Create().Talk("Sorry, that is not an option. Goodbye.").Build(),
});

// Call status events: started, ringing, answered, completed…
app.MapPost("/webhooks/event", () => Results.NoContent());

app.Run();

static string? Digits(JsonElement input) =>
    input.TryGetProperty("dtmf", out var dtmf) && dtmf.TryGetProperty("digits", out var digits) ? digits.GetString() : null;

/// <summary>Public so the tests can start the app in-process (VoiceSimulator.StartAsync&lt;Program&gt;).</summary>
public partial class Program;
