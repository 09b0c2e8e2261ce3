using Ncco.Testing;
using Ncco.Testing.Snapshots;

namespace IvrMenu.Tests;

public class IvrMenuTests
{
    private static Task<VoiceSimulator> StartAsync() =>
        VoiceSimulator.StartAsync<Program>(app => app.AnswerUrl("/webhooks/answer").EventUrl("/webhooks/event"));

    [Fact]
    public async Task Press_1_then_1_reaches_new_phones()
    {
        await using var sim = await StartAsync();
        var call = await sim.CallAsync(from: "447700900001", to: "447700900000");
        await call.HearsAsync("Welcome to Acme");
        await call.PressAsync("1");
        await call.InputResultAsync(r => r.Digits == "1");
        await call.HearsAsync("For new phones, press 1");
        await call.PressAsync("1");
        await call.WebhookAsync("/webhooks/sales", r => r.Digits == "1");
        await call.HearsAsync("new phones start at 99 euros");
        await call.Not.HearsAsync("Sorry");
        await call.ReceivedEventAsync("completed");
    }

    [Fact]
    public async Task Saying_support_is_understood()
    {
        await using var sim = await StartAsync();
        var call = await sim.CallAsync(from: "447700900001", to: "447700900000");
        await call.HearsAsync("Welcome to Acme");
        await call.SaysAsync("I need support please", confidence: 0.82);
        var result = await call.InputResultAsync();
        Assert.Equal("I need support please", result.SpeechText);
        await call.HearsAsync("Support is available online");
        await call.EndsAsync();
    }

    [Fact]
    public async Task Barge_in_while_the_menu_plays()
    {
        await using var sim = await StartAsync();
        var call = await sim.CallAsync(from: "447700900001", to: "447700900000");
        await call.StartsHearingAsync("Welcome to Acme");
        await call.PressAsync("3");
        await call.HearsAsync("open nine to five");
        Assert.NotNull(call.Heard[0].StoppedAt); // the menu was interrupted
    }

    [Fact]
    public async Task Sales_menu_9_goes_back_to_the_main_menu()
    {
        await using var sim = await StartAsync();
        var call = await sim.CallAsync(from: "447700900001", to: "447700900000");
        await call.HearsAsync("Welcome to Acme");
        await call.PressAsync("1");
        await call.HearsAsync("Sales.");
        await call.PressAsync("9");
        await call.HearsAsync("Welcome to Acme");
    }

    [Fact]
    public async Task Invalid_option_retries_then_gives_up()
    {
        await using var sim = await StartAsync();
        var call = await sim.CallAsync(from: "447700900001", to: "447700900000");
        await call.HearsAsync("Welcome to Acme");
        await call.PressAsync("7");
        await call.HearsAsync("That is not a valid option");
        await call.HearsAsync("Welcome to Acme");
        await call.SaysAsync("pizza");
        await call.HearsAsync("That is not a valid option");
        await call.PressAsync("8");
        await call.HearsAsync("Too many invalid options");
        await call.EndsAsync();
    }

    [Fact]
    public async Task Silence_times_out_three_times_and_hangs_up()
    {
        await using var sim = await StartAsync();
        var call = await sim.CallAsync(from: "447700900001", to: "447700900000");
        await call.HearsAsync("Welcome to Acme");
        await call.HearsAsync("didn't catch that");
        await call.HearsAsync("didn't catch that");
        await call.HearsAsync("We did not receive any input. Goodbye.");
        await call.EndsAsync();
        Snapshot.Match(sim.Log.RenderText(includeWebhookPayloads: false), "silence-timeout");
    }
}

public class AnyUrlTests
{
    [Fact]
    public async Task The_same_app_works_through_a_base_url_and_http_client()
    {
        await using var app = await Ncco.Testing.Hosting.InProcessApp.StartAsync<Program>();
        await using var sim = VoiceSimulator.Start(app.Server.BaseAddress, client: app.CreateClient());
        var call = await sim.CallAsync(from: "447700900001", to: "447700900000");
        await call.PressAsync("3");
        await call.HearsAsync("open nine to five");
    }
}
