namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>Polls a condition that becomes true in the background (heartbeats, timeouts), bounded in time.</summary>
/// <remarks>
/// The default bound is generous (30 s) because it only costs time when the condition never comes: a passing check
/// returns at its first true reading. These suites run beside the others in CI, where a node cut from its database
/// can take well over 10 s to give up its connections and end its calls.
/// </remarks>
public static class Eventually
{
    private static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(30);

    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? DefaultWithin);
        T last;
        do
        {
            last = await read();
            if (condition(last)) return last;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        throw new Xunit.Sdk.XunitException($"{what} did not happen within {within ?? DefaultWithin}; last seen: {Describe(last)}");
    }

    // A collection's ToString() is its type name: say how many items it held and what they were.
    private static string Describe<T>(T value) => value is System.Collections.IEnumerable items and not string
        ? $"{items.Cast<object?>().Count()} item(s) [{string.Join(", ", items.Cast<object?>())}]"
        : value?.ToString() ?? "null";
}
