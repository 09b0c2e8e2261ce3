using Ncco.Model;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Bench;

/// <summary>The IVR example's call flows, run on the simulator. Each returns the simulated call length.</summary>
public static class IvrFlows
{
    /// <summary>Caller never answers the menu: three prompts, three timeouts, goodbye (≈48 s of call).</summary>
    public static async Task<TimeSpan> SilenceFlowAsync(VoiceSimulator sim)
    {
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("We did not receive any input");
        await call.EndsAsync();
        return call.Leg.EndedAt!.Value - sim.Options.StartTime;
    }

    /// <summary>Caller listens, picks sales by voice, then new phones by key (≈30 s of call).</summary>
    public static async Task<TimeSpan> MenuFlowAsync(VoiceSimulator sim)
    {
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Welcome to Acme");
        await call.SaysAsync("sales please");
        await call.HearsAsync("For new phones, press 1");
        await call.PressAsync("1");
        await call.HearsAsync("new phones start at 99 euros");
        await call.EndsAsync();
        return call.Leg.EndedAt!.Value - sim.Options.StartTime;
    }

    /// <summary>The same menu written as delegates (VM + simulator cost without ASP.NET).</summary>
    public static WebhookApp DelegateIvr() => new WebhookApp()
        .Map("/webhooks/answer", Menu(1))
        .Map("/webhooks/menu", r =>
        {
            var attempt = int.Parse(r.Request.Uri.Query.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
            if (r.Digits == "1" || r.SpeechText?.Contains("sales", StringComparison.Ordinal) == true)
                return NccoBuilder.Create().Talk("Sales. For new phones, press 1. For contracts, press 2. To go back, press 9.", bargeIn: true)
                    .Input(InputTypes.Dtmf, eventUrl: "https://app.example/webhooks/sales", dtmf: new() { MaxDigits = 1, Timeout = 5 }).Build();
            return attempt >= 3 ? NccoBuilder.Create().Talk("We did not receive any input. Goodbye.").Build() : Menu(attempt + 1, "Sorry, I didn't catch that.");
        })
        .Map("/webhooks/sales", r => NccoBuilder.Create().Talk(r.Digits == "1" ? "Our new phones start at 99 euros. Goodbye." : "Goodbye.").Build())
        .Map("/webhooks/event", _ => null);

    private static NccoDocument Menu(int attempt, string? preface = null)
    {
        var b = NccoBuilder.Create();
        if (preface is not null) b.Talk(preface);
        return b.Talk("Welcome to Acme. For sales, press 1 or say sales. For support, press 2 or say support. For opening hours, press 3.", bargeIn: true)
            .Input(InputTypes.Dtmf | InputTypes.Speech, $"https://app.example/webhooks/menu?attempt={attempt}",
                dtmf: new() { MaxDigits = 1, Timeout = 5 },
                speech: new() { Context = ["sales", "support", "hours"], EndOnSilence = 1, StartTimeout = 5 })
            .Build();
    }
}
