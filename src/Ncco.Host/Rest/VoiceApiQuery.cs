using System.Globalization;
using Ncco.Host.Errors;

namespace Ncco.Host.Rest;

/// <summary>
/// How the Voice API reads a call's uuid from a path and the call list's query parameters. Compiled into Ncco.Testing
/// as well, so the simulator's Voice API accepts and refuses exactly what the host does.
/// </summary>
internal static class VoiceApiQuery
{
    /// <summary>A call's uuid in its dashed form; the 32-hex form is accepted too (some clients strip the dashes).</summary>
    public static string Uuid(string uuid) =>
        uuid.Length == 32 && Guid.TryParseExact(uuid, "N", out var g) ? g.ToString("D") : uuid;

    /// <summary>An ISO-8601 date-time query value (<c>date_start</c>, <c>date_end</c>); empty is null, anything else a named error.</summary>
    public static DateTimeOffset? Date(string raw, string name, List<InvalidParameter> errors)
    {
        if (raw.Length == 0) return null;
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)) return at;
        errors.Add(new(name, "must be an ISO-8601 date-time such as 2026-11-21T12:00:00Z"));
        return null;
    }

    /// <summary>A whole-number query value from <paramref name="min"/> to <paramref name="max"/>; empty is <paramref name="fallback"/>.</summary>
    public static int Int(string raw, string name, int fallback, int min, int max, List<InvalidParameter> errors)
    {
        if (raw.Length == 0) return fallback;
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        errors.Add(new(name, max == int.MaxValue ? $"must be a whole number of at least {min}" : $"must be a whole number from {min} to {max}"));
        return fallback;
    }
}
