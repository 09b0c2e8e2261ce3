using System.Globalization;

namespace Ncco.Scheduling;

/// <summary>
/// Deterministic ids: <c>kind-SSSS-4SSS-8000-counter</c>. The first group names the kind (legs <c>aaaaaaaa</c>,
/// conversations <c>cccccccc</c>, recordings <c>bbbbbbbb</c>, files <c>ffffffff</c>, others <c>dddddddd</c>), the
/// seed fills the second and third groups (keeping the UUID version 4 / variant 1 layout), and a per-kind counter
/// the last. The same seed gives the same ids on every run; two generators with different seeds never produce the
/// same id, so an app shared between two simulators does not mix up their calls. Seed 0 (the parameterless
/// constructor) gives <c>aaaaaaaa-0000-4000-8000-000000000001</c>, <c>…002</c>, ….
/// </summary>
public sealed class SequentialIdGenerator : IIdGenerator
{
    /// <summary>Largest seed: 28 bits, the seven hex digits around the version nibble.</summary>
    public const int MaxSeed = 0x0FFF_FFFF;

    private readonly long[] _counters = new long[Enum.GetValues<IdKind>().Length];
    private readonly string _middle;

    /// <summary>Ids seeded with 0.</summary>
    public SequentialIdGenerator()
        : this(0)
    {
    }

    /// <summary>Ids seeded with <paramref name="seed"/>.</summary>
    /// <param name="seed">Between 0 and <see cref="MaxSeed"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The seed is negative or above <see cref="MaxSeed"/>.</exception>
    public SequentialIdGenerator(int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seed, MaxSeed);
        Seed = seed;
        _middle = string.Create(CultureInfo.InvariantCulture, $"{seed >> 12:x4}-4{seed & 0xFFF:x3}");
    }

    /// <summary>The seed the ids carry.</summary>
    public int Seed { get; }

    /// <inheritdoc />
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
