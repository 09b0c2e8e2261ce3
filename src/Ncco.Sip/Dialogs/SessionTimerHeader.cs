using System.Globalization;

namespace Ncco.Sip.Dialogs;

/// <summary>Who refreshes a session (RFC 4028 §4): the UAC or the UAS of the transaction that carried the header.</summary>
internal enum SessionRefresher
{
    /// <summary>The header names nobody: the answerer chooses (§9).</summary>
    Unspecified,

    /// <summary><c>refresher=uac</c>: the sender of the request.</summary>
    Uac,

    /// <summary><c>refresher=uas</c>: the receiver of the request.</summary>
    Uas,
}

/// <summary>Reads and writes <c>Session-Expires</c> (RFC 4028 §4): <c>delta-seconds *(;se-params)</c>.</summary>
internal static class SessionTimerHeader
{
    /// <summary>
    /// Reads <paramref name="value"/>; false when it is absent or its interval is not a positive whole number of seconds.
    /// A <c>refresher</c> other than <c>uac</c>/<c>uas</c> reads as <see cref="SessionRefresher.Unspecified"/>.
    /// </summary>
    public static bool TryRead(string? value, out TimeSpan interval, out SessionRefresher refresher)
    {
        interval = TimeSpan.Zero;
        refresher = SessionRefresher.Unspecified;
        if (value is null)
        {
            return false;
        }
        var parts = value.Split(';');
        if (!long.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1 || seconds > uint.MaxValue)
        {
            return false;
        }
        interval = TimeSpan.FromSeconds(seconds);
        foreach (var part in parts.AsSpan(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0 || !part.AsSpan(0, eq).Trim().Equals("refresher", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var who = part.AsSpan(eq + 1).Trim();
            refresher = who.Equals("uac", StringComparison.OrdinalIgnoreCase) ? SessionRefresher.Uac
                : who.Equals("uas", StringComparison.OrdinalIgnoreCase) ? SessionRefresher.Uas
                : SessionRefresher.Unspecified;
        }
        return true;
    }

    /// <summary><c>N;refresher=uac</c> or <c>N;refresher=uas</c>.</summary>
    public static string Format(TimeSpan interval, SessionRefresher refresher) =>
        string.Create(CultureInfo.InvariantCulture, $"{(long)interval.TotalSeconds};refresher={(refresher == SessionRefresher.Uas ? "uas" : "uac")}");
}
