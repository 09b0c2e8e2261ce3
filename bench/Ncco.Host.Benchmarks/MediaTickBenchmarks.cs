using BenchmarkDotNet.Attributes;

namespace Ncco.Host.Benchmarks;

/// <summary>One media tick over N SIP-shaped legs (see <see cref="SipLoadMediaThread"/>): µs per tick and bytes allocated.</summary>
/// <remarks>Min and median are reported besides the mean: on the shared 2-core machine other work inflates some iterations.</remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class MediaTickBenchmarks
{
    private SipLoadMediaThread _load = null!;

    [Params(100, 1000)]
    public int Legs { get; set; }

    /// <summary>Threads the tick is spread over (<c>Ncco:Media:Workers</c>).</summary>
    [Params(1, 2)]
    public int Workers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _load = new SipLoadMediaThread(Legs, Workers);
        _load.WarmUp();
    }

    [GlobalCleanup]
    public void Cleanup() => _load.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "media tick")]
    public void Tick() => _load.Tick();
}
