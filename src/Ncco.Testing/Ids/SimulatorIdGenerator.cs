using System.Globalization;
using Ncco.Scheduling;

namespace Ncco.Testing.Ids;

/// <summary>
/// Deterministic ids for one simulator: <c>kind-SSSS-4SSS-8000-counter</c>. The first group names the kind (legs
/// <c>aaaaaaaa</c>, conversations <c>cccccccc</c>, recordings <c>bbbbbbbb</c>, files <c>ffffffff</c>, others
/// <c>dddddddd</c>), the seed fills the second and third groups (valid UUID version 4 / variant 1 layout), the counter
/// the last. Two simulators with different seeds never produce the same id, so an app shared between them does
/// not mix up their calls; the same seed gives the same ids on every run.
/// </summary>
internal sealed class SimulatorIdGenerator : IIdGenerator
{
    /// <summary>Largest seed: 28 bits (seven hex digits around the version nibble).</summary>
    public const int MaxSeed = 0x0FFF_FFFF;

    private readonly long[] _counters = new long[Enum.GetValues<IdKind>().Length];
    private readonly string _middle;

    public SimulatorIdGenerator(int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seed, MaxSeed);
        _middle = string.Create(CultureInfo.InvariantCulture, $"{seed >> 12:x4}-4{seed & 0xFFF:x3}");
    }

    public string NewId(IdKind kind)
    {
        var n = Interlocked.Increment(ref _counters[(int)kind]);
        var prefix = kind switch
        {
            IdKind.Leg => "aaaaaaaa",
            IdKind.Conversation => "cccccccc",
            IdKind.Recording => "bbbbbbbb",
            IdKind.File => "ffffffff",
            _ => "dddddddd",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{prefix}-{_middle}-8000-{n:x12}");
    }
}
