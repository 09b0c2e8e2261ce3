using Ncco.Calls;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>
/// Issue 15: an answer NCCO with an unknown property runs (the property ignored) and the call's timeline shows a
/// warning with its pointer; with Strict validation it is rejected as invalid, as before.
/// </summary>
public class UnknownPropertyRunTests
{
    private static WebhookApp App() => new WebhookApp()
        .Map("/webhooks/answer", _ => """[{"action":"talk","text":"Hello there","voice_name":"Kimberly"}]""")
        .Map("/webhooks/event", _ => null);

    [Fact]
    public async Task An_unknown_property_is_ignored_and_shown_on_the_timeline()
    {
        var app = App();
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Hello there");
        await call.EndsAsync();
        var warning = Assert.Single(sim.Log.Entries, e => e.Activity == VmActivity.Warning);
        Assert.Contains("/0/voice_name unknown-property", warning.Text, StringComparison.Ordinal);
        Assert.Contains("ignored", warning.Text, StringComparison.Ordinal);
        Assert.Contains("warning", sim.Log.RenderText(), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Received, r => r.Path == "/webhooks/event" && r.Field("reason") is not null);
    }

    [Fact]
    public async Task Strict_validation_rejects_it()
    {
        var app = App();
        await using var sim = VoiceSimulator.Start(app, o => o.Validation = new() { Strict = true });
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.EndsAsync();
        var error = app.Received.Single(r => r.Path == "/webhooks/event" && r.Field("reason") is not null);
        Assert.Contains("/0/voice_name", error.Field("reason"), StringComparison.Ordinal);
    }
}
