#if BASELINE
extern alias baseline;
#endif
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Benchmarks;

/// <summary>
/// Validating + parsing a 20-action NCCO (issue 2: under 20 µs and 20 KB; issue 19: under 5 µs and 8 KB). The NCCO
/// mixes every common action with realistic options, as an answer webhook would return it. Built with
/// NCCO_BASELINE_RUNTIME (see compare.sh), each benchmark also runs against an earlier build, in the same table.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
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

    // For scale (issue 19 measures the parser against these, as ratios in one run): the bare System.Text.Json reader
    // over the same bytes, and the same pass decoding every string and name.
    [Benchmark(Description = "Utf8JsonReader pass (tokens only)"), BenchmarkCategory("reader")]
    public int ReaderPass()
    {
        var reader = new Utf8JsonReader(_utf8);
        var n = 0;
        while (reader.Read()) n++;
        return n;
    }

    [Benchmark(Description = "Utf8JsonReader pass + GetString of every string"), BenchmarkCategory("reader")]
    public int ReaderPassDecoding()
    {
        var reader = new Utf8JsonReader(_utf8);
        var n = 0;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName) n += reader.GetString()!.Length;
        }
        return n;
    }

    [Benchmark(Description = "validate only (UTF-8 bytes)"), BenchmarkCategory("validate utf8")]
    public int ValidateUtf8() => NccoValidator.Validate(_utf8.AsMemory()).Count;

    [Benchmark(Description = "validate only (string)"), BenchmarkCategory("validate")]
    public int Validate() => NccoValidator.Validate(_json).Count;

    [Benchmark(Description = "validate + parse to model (string)"), BenchmarkCategory("parse string")]
    public object? ParseString() => NccoParser.Parse(_json).Document;

    [Benchmark(Description = "validate + parse to model (UTF-8 bytes, as from a webhook)"), BenchmarkCategory("parse utf8")]
    public object? ParseUtf8() => NccoParser.Parse(_utf8).Document;

#if BASELINE
    [Benchmark(Baseline = true, Description = "baseline: validate only (UTF-8 bytes)"), BenchmarkCategory("validate utf8")]
    public int BaselineValidateUtf8() => baseline::Ncco.Validation.NccoValidator.Validate(_utf8.AsMemory()).Count;

    [Benchmark(Baseline = true, Description = "baseline: validate only (string)"), BenchmarkCategory("validate")]
    public int BaselineValidate() => baseline::Ncco.Validation.NccoValidator.Validate(_json).Count;

    [Benchmark(Baseline = true, Description = "baseline: validate + parse to model (string)"), BenchmarkCategory("parse string")]
    public object? BaselineParseString() => baseline::Ncco.Serialization.NccoParser.Parse(_json).Document;

    [Benchmark(Baseline = true, Description = "baseline: validate + parse to model (UTF-8 bytes)"), BenchmarkCategory("parse utf8")]
    public object? BaselineParseUtf8() => baseline::Ncco.Serialization.NccoParser.Parse(_utf8).Document;
#endif
}
