using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Ncco;
using Ncco.Model;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace FirstScenario.Tests;

// The only test of the process, so its scenario is the first one: the IVR menu of bench/Ncco.Bench (IvrFlows) as
// delegates — the virtual caller and the VM, with no app framework of its own to start. It appends one line to the
// file named by NCCO_FIRST_OUT: wall and CPU time of the scenario, methods JIT-compiled during it, and where the
// Ncco assemblies were loaded from (lib/ or runtimes/<rid>/lib/).
public class FirstScenarioTests
{
    [Fact]
    public async Task First_scenario_of_the_process()
    {
        var (jit, cpu) = (JitInfo.GetCompiledMethodCount(), Process.GetCurrentProcess().TotalProcessorTime);
        var wall = Stopwatch.StartNew();
        await using (var sim = VoiceSimulator.Start(Ivr()))
        {
            var call = await sim.CallAsync("447700900001", "447700900000");
            await call.HearsAsync("Welcome to Acme");
            await call.SaysAsync("sales please");
            await call.HearsAsync("For new phones, press 1");
            await call.PressAsync("1");
            await call.HearsAsync("new phones start at 99 euros");
            await call.EndsAsync();
        }
        wall.Stop();
        var line = string.Create(CultureInfo.InvariantCulture,
            $"wall={wall.Elapsed.TotalMilliseconds:0.0} cpu={(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:0.0} jit={JitInfo.GetCompiledMethodCount() - jit} testing={Where(typeof(VoiceSimulator))} runtime={Where(typeof(NccoBuilder))}");
        var output = Environment.GetEnvironmentVariable("NCCO_FIRST_OUT");
        if (output is not null) await File.AppendAllTextAsync(output, line + Environment.NewLine);
        Assert.True(wall.Elapsed > TimeSpan.Zero);
    }

    private static string Where(Type type)
    {
        var location = type.Assembly.Location.Replace('\\', '/');
        var at = location.IndexOf("/runtimes/", StringComparison.Ordinal);
        return at < 0 ? "lib" : location[(at + 1)..];
    }

    private static WebhookApp Ivr() => new WebhookApp()
        .Map("/webhooks/answer", Menu(1))
        .Map("/webhooks/menu", r =>
        {
            var attempt = int.Parse(r.Request.Uri.Query.Split('=')[1], CultureInfo.InvariantCulture);
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
