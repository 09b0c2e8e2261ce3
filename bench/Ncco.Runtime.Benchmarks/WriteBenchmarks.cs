using BenchmarkDotNet.Attributes;
using Ncco.Model;
using Ncco.Serialization;

namespace Ncco.Runtime.Benchmarks;

/// <summary>Writing the typed 20-action NCCO back to wire JSON, as an app returning an <see cref="NccoDocument"/> does.</summary>
[MemoryDiagnoser]
public class WriteBenchmarks
{
    private NccoDocument _document = null!;

    [GlobalSetup]
    public void Setup() => _document = NccoParser.Parse(TwentyActionNcco.Json).GetDocumentOrThrow();

    [Benchmark(Description = "write model to wire JSON (UTF-8)")]
    public byte[] WriteUtf8() => NccoWriter.WriteUtf8(_document);
}
