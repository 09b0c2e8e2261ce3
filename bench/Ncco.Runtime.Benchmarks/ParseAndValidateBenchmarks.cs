using System.Text;
using BenchmarkDotNet.Attributes;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Benchmarks;

/// <summary>
/// Issue 2's target: validating + parsing a 20-action NCCO in under 20 µs and 20 KB allocated.
/// The NCCO mixes every common action with realistic options, as an answer webhook would return it.
/// </summary>
[MemoryDiagnoser]
public class ParseAndValidateBenchmarks
{
    private string _json = string.Empty;
    private byte[] _utf8 = [];

    [GlobalSetup]
    public void Setup()
    {
        _json = TwentyActionNcco.Json;
        _utf8 = Encoding.UTF8.GetBytes(_json);
        if (!NccoParser.Parse(_json).IsValid) throw new InvalidOperationException("benchmark NCCO must be valid");
    }

    [Benchmark(Baseline = true, Description = "validate only (string)")]
    public int Validate() => NccoValidator.Validate(_json).Count;

    [Benchmark(Description = "validate + parse to model (string)")]
    public object? ParseString() => NccoParser.Parse(_json).Document;

    [Benchmark(Description = "validate + parse to model (UTF-8 bytes, as from a webhook)")]
    public object? ParseUtf8() => NccoParser.Parse(_utf8).Document;
}
