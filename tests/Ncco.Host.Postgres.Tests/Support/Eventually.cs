namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>Polls a condition that becomes true in the background (heartbeats, timeouts), bounded in time.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        T last;
        do
        {
            last = await read();
            if (condition(last)) return last;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        throw new Xunit.Sdk.XunitException($"{what} did not happen within {within ?? TimeSpan.FromSeconds(10)}; last seen: {Describe(last)}");
    }

    // A collection's ToString() is its type name: say how many items it held and what they were.
    private static string Describe<T>(T value) => value is System.Collections.IEnumerable items and not string
        ? $"{items.Cast<object?>().Count()} item(s) [{string.Join(", ", items.Cast<object?>())}]"
        : value?.ToString() ?? "null";
}
