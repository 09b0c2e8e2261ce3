using BenchmarkDotNet.Attributes;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Bench;

/// <summary>One simulated IVR call per operation.</summary>
[MemoryDiagnoser]
public class IvrBenchmarks
{
    private InProcessApp? _app;

    /// <summary>Boots the IVR example app once (in-process TestServer).</summary>
    [GlobalSetup]
    public void Setup() => _app = InProcessApp.StartAsync<Program>().GetAwaiter().GetResult();

    /// <summary>Stops the app.</summary>
    [GlobalCleanup]
    public void Cleanup() => _app!.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>ASP.NET IVR example, silence flow (≈48 s of call).</summary>
    [Benchmark]
    public async Task<TimeSpan> AspNetIvr_SilenceFlow()
    {
        await using var sim = VoiceSimulator.Start(_app!);
        return await IvrFlows.SilenceFlowAsync(sim);
    }

    /// <summary>ASP.NET IVR example, speech + DTMF menu flow.</summary>
    [Benchmark]
    public async Task<TimeSpan> AspNetIvr_MenuFlow()
    {
        await using var sim = VoiceSimulator.Start(_app!);
        return await IvrFlows.MenuFlowAsync(sim);
    }

    /// <summary>Same IVR as delegates, silence flow.</summary>
    [Benchmark]
    public async Task<TimeSpan> DelegateIvr_SilenceFlow()
    {
        await using var sim = VoiceSimulator.Start(IvrFlows.DelegateIvr());
        return await IvrFlows.SilenceFlowAsync(sim);
    }
}
