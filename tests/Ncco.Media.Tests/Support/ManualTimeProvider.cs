namespace Ncco.Media.Tests.Support;

/// <summary>A clock tests move by hand (FakeTimeProvider is not available in this package feed).</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
