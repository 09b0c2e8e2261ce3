using BenchmarkDotNet.Attributes;
using Ncco.Media.Resampling;

namespace Ncco.Media.Benchmarks;

/// <summary>One 20 ms frame through a streaming resampler.</summary>
[MemoryDiagnoser]
public class ResamplerBenchmarks
{
    private Resampler _resampler = null!;
    private short[] _input = null!;
    private short[] _output = null!;

    [Params("8000->16000", "16000->8000", "8000->48000", "48000->8000", "44100->16000", "22050->8000")]
    public string Conversion { get; set; } = "8000->16000";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Conversion.Split("->");
        var from = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        var to = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        _resampler = new Resampler(from, to);
        _input = new short[from / 50];
        for (var i = 0; i < _input.Length; i++)
        {
            _input[i] = (short)(8000 * Math.Sin(i * 0.1));
        }
        _output = new short[_resampler.MaxOutputFor(_input.Length)];
    }

    [Benchmark(Description = "resample 20 ms frame")]
    public int Frame() => _resampler.Process(_input, _output);
}
