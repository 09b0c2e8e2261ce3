using Microsoft.Extensions.Options;

namespace Ncco.Host.Configuration;

/// <summary>
/// The rules of <see cref="NccoHostOptions"/>' values, checked at start: each broken rule is one failure naming the key
/// and what it must be.
/// </summary>
internal sealed class NccoHostOptionsValidator : IValidateOptions<NccoHostOptions>
{
    public ValidateOptionsResult Validate(string? name, NccoHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
            failures.Add("Ncco:DataDirectory is empty: it must be a directory path (default ncco-data).");
        if (options.PublicUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            failures.Add($"Ncco:PublicUrl '{url}' is not valid: it must be an absolute http or https URL.");
        var rate = options.Calls.RateLimitPerSecond;
        if (!double.IsFinite(rate) || rate < 0)
            failures.Add($"Ncco:Calls:RateLimitPerSecond is {rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}: it must be a number of calls per second, or 0 for no limit (default 3).");
        if (options.Calls.RetainedFinishedLegs < 0)
            failures.Add($"Ncco:Calls:RetainedFinishedLegs is {options.Calls.RetainedFinishedLegs}: it must be a number of legs, 0 or more (default 0).");
        if (options.Calls.MaxConversationParticipants < 1)
            failures.Add($"Ncco:Calls:MaxConversationParticipants is {options.Calls.MaxConversationParticipants}: it must be a number of participants, 1 or more (default 50).");
        if (options.Webhooks.MaxConcurrency < 1)
            failures.Add($"Ncco:Webhooks:MaxConcurrency is {options.Webhooks.MaxConcurrency}: it must be at least 1 (default 256).");
        if (options.Webhooks.AnswerReserve is { } reserve && (reserve < 0 || reserve >= options.Webhooks.MaxConcurrency))
            failures.Add($"Ncco:Webhooks:AnswerReserve is {reserve}: it must be 0 or more and less than Ncco:Webhooks:MaxConcurrency ({options.Webhooks.MaxConcurrency}); default a quarter of it.");
        if (options.Webhooks.DefaultConnectTimeoutMs < 1)
            failures.Add($"Ncco:Webhooks:DefaultConnectTimeoutMs is {options.Webhooks.DefaultConnectTimeoutMs}: it must be at least 1 millisecond (default 1000).");
        if (options.Webhooks.MaxResponseBytes < 1)
            failures.Add($"Ncco:Webhooks:MaxResponseBytes is {options.Webhooks.MaxResponseBytes}: it must be a positive number of bytes (default 1048576).");
        if (!Enum.IsDefined(options.Store.Provider))
            failures.Add($"Ncco:Store:Provider is {(int)options.Store.Provider}: it must be Sqlite (default) or Postgres.");
        if (options.Store.Provider == StoreProvider.Postgres && string.IsNullOrWhiteSpace(options.Store.ConnectionString))
            failures.Add("Ncco:Store:ConnectionString is empty: Ncco:Store:Provider=Postgres needs an Npgsql connection string (Host=…;Database=…;Username=…;Password=…).");
        if (options.Recordings.Directory is { Length: > 0 } recordings && !IsPath(recordings))
            failures.Add($"Ncco:Recordings:Directory '{recordings}' is not a valid directory path.");
        try
        {
            options.Media.Validate();
        }
        catch (InvalidOperationException e)
        {
            failures.Add(e.Message + ".");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsPath(string path)
    {
        if (path.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0) return false;
        try
        {
            _ = Path.GetFullPath(path);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }
}
