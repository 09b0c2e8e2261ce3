using Microsoft.Extensions.Options;

namespace Ncco.Host.Dashboard;

/// <summary>The ranges of <see cref="DashboardOptions"/>' call-log caps, checked at start: one failure per key, naming it and its range.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxCallLogs is < 1 or > 100_000)
            failures.Add($"Ncco:Dashboard:MaxCallLogs is {options.MaxCallLogs}: it must be a number of legs from 1 to 100000 (default 200).");
        if (options.MaxLogEntriesPerLeg is < 10 or > 1_000_000)
            failures.Add($"Ncco:Dashboard:MaxLogEntriesPerLeg is {options.MaxLogEntriesPerLeg}: it must be a number of entries from 10 to 1000000 (default 1000).");
        if (options.MaxLogBytesPerLeg is < 16 * 1024 or > 64 * 1024 * 1024)
            failures.Add($"Ncco:Dashboard:MaxLogBytesPerLeg is {options.MaxLogBytesPerLeg}: it must be a number of bytes from 16384 to 67108864 (default 262144).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
