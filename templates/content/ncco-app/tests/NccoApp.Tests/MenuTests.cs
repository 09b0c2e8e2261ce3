using Ncco.Testing;

namespace NccoApp.Tests;

public class MenuTests
{
    private static Task<VoiceSimulator> StartAsync() =>
        VoiceSimulator.StartAsync<Program>(app => app.AnswerUrl("/webhooks/answer").EventUrl("/webhooks/event"));

    [Fact]
    public async Task Pressing_1_gives_the_opening_hours()
    {
        await using var sim = await StartAsync();
        var call = await sim.CallAsync(from: "447700900001", to: "447700900000");

        await call.HearsAsync("Welcome to NccoApp");
        await call.PressAsync("1");
        await call.HearsAsync("open from nine to five");
        await call.EndsAsync();
    }

    [Fact]
    public async Task Any_other_key_is_not_an_option()
    {
        await using var sim = await StartAsync();
        var call = await sim.CallAsync(from: "447700900001", to: "447700900000");

        await call.HearsAsync("For our opening hours, press 1");
        await call.PressAsync("7");
        await call.HearsAsync("not an option");
        await call.EndsAsync();
    }
}
