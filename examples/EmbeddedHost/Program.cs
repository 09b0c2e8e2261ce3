using System.Text.Json;
using EmbeddedHost;
using Ncco;
using Ncco.Host;

// An ordinary ASP.NET Core app that runs the Ncco voice host in its own process (the Ncco.Host package), next to
// its own voice webhooks: the host's Voice API places calls, and the host calls this app's answer and event URLs.
var builder = WebApplication.CreateBuilder(args);
builder.AddNccoHost();
builder.Services.AddSingleton<CallEvents>();

var app = builder.Build();
await app.UseNccoHostAsync();

app.MapGet("/webhooks/answer", () => NccoBuilder.Create()
    .Talk("Thanks for calling the embedded host. Goodbye.")
    .Build());
app.MapPost("/webhooks/event", async (HttpRequest request, CallEvents events) =>
{
    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
    events.Add(body.RootElement.Clone());
    return Results.NoContent();
});

await app.RunAsync();

/// <summary>The app's entry point; public so its tests can start it (WebApplicationFactory&lt;Program&gt;).</summary>
public partial class Program;
