using System.Text.Json;
using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Testing;
using Ncco.Testing.Hosting;
using Ncco.Validation;

namespace Ncco.Vm.Tests;

/// <summary>
/// The whole path of a custom action, as Verbs/README.md documents it: the app builds it (or returns it as JSON),
/// the VM side registers one typed handler, and nothing else is needed.
/// </summary>
public class CustomActionTests
{
    /// <summary>The custom action's properties: <c>{"action":"beep","times":3}</c>.</summary>
    public sealed record Beep(int Times);

    private static void BeepHandler(SimulatorOptions o) => o.Handlers(h => h.Register<Beep>("beep", async (beep, context, ct) =>
    {
        for (var i = 0; i < beep.Times; i++) await context.Leg.PlayAsync(context.Leg.NewPlayback(PlaybackKind.Beep), ct);
        return ActionOutcome.Next;
    }));

    [Fact]
    public async Task A_registered_handler_is_all_the_vm_needs_to_accept_and_run_the_action()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"beep","times":3},{"action":"talk","text":"done"}]""")
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app, BeepHandler);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("done");
        Assert.Equal(3, call.Heard.Count(h => h.Playback.Kind == PlaybackKind.Beep));
    }

    [Fact]
    public async Task The_builder_writes_the_action_and_accepts_its_name()
    {
        var ncco = NccoBuilder.Create().Custom("beep", new Beep(2)).Talk("done").Build();
        Assert.Equal("""[{"action":"beep","times":2},{"action":"talk","text":"done"}]""", ncco.ToJson());
        var (sim, _) = Sim.With(ncco, BeepHandler);
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("done");
        Assert.Equal(2, call.Heard.Count(h => h.Playback.Kind == PlaybackKind.Beep));
    }

    [Fact]
    public async Task Properties_that_do_not_fit_skip_the_action_with_an_error_event_naming_it()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"talk","text":"first"},{"action":"beep","times":"many"},{"action":"talk","text":"done"}]""")
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app, BeepHandler);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("done");
        Assert.DoesNotContain(call.Heard, h => h.Playback.Kind == PlaybackKind.Beep);
        var error = app.Received.Single(r => r.Path == "/webhooks/event" && r.Field("reason") is not null).Field("reason")!;
        Assert.StartsWith("/1: the \"beep\" action cannot be read as Beep: ", error, StringComparison.Ordinal);
        Assert.Contains("$.times", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_handler_the_name_is_an_invalid_ncco()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"beep","times":3}]""")
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.EndsAsync();
        var error = app.Received.Single(r => r.Path == "/webhooks/event" && r.Field("reason") is not null).Field("reason")!;
        Assert.Contains("/0/action", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Building_outside_the_builder_takes_the_name_in_the_validation_options()
    {
        const string json = """[{"action":"beep","times":1}]""";
        Assert.False(NccoDocument.TryParse(json, out _, out var errors));
        Assert.Equal("/0/action", Assert.Single(errors).Pointer);
        var document = NccoDocument.Parse(json, new NccoValidationOptions { CustomActions = new HashSet<string> { "beep" } });
        var beep = Assert.IsType<CustomAction>(Assert.Single(document.Actions));
        Assert.Equal(new Beep(1), beep.Read<Beep>());
    }

    [Fact]
    public void Create_refuses_built_in_names_non_objects_and_an_action_property()
    {
        Assert.Throws<ArgumentException>(() => CustomAction.Create("talk", new { text = "hi" }));
        Assert.Throws<ArgumentException>(() => CustomAction.Create("beep", 3));
        Assert.Throws<ArgumentException>(() => CustomAction.Create("beep", new { action = "other" }));
        Assert.Throws<ArgumentException>(() => HandlerRegistry.CreateDefault().Register<Beep>("input", (_, _, _) => Task.FromResult(ActionOutcome.Next)));
        Assert.Equal("""{"action":"ping"}""", CustomAction.Create("ping").Json.GetRawText());
        Assert.Equal("""{"action":"beep","times":2}""", CustomAction.Create("beep", JsonDocument.Parse("""{"times":2}""").RootElement).Json.GetRawText());
    }

    [Fact]
    public void The_registry_lists_custom_names_apart_from_the_built_in_ones()
    {
        var registry = HandlerRegistry.CreateDefault()
            .Register<Beep>("beep", (_, _, _) => Task.FromResult(ActionOutcome.Next))
            .Register("talk", (_, _) => Task.FromResult(ActionOutcome.Next));
        Assert.Equal(["beep"], registry.CustomActions);
        Assert.Equal(10, registry.RegisteredActions.Count());
    }
}
