using System.Globalization;

namespace Ncco.Sip.Dialogs;

/// <summary>
/// A key the peer pressed, signalled in a SIP INFO request (the pre-RFC 6086 convention many PBXs and trunks still use
/// beside or instead of RFC 4733): <c>application/dtmf-relay</c> (<c>Signal=5</c> and <c>Duration=160</c> lines) or
/// <c>application/dtmf</c> (the key alone).
/// </summary>
/// <param name="Digit">0–9, *, #, or A–D.</param>
/// <param name="DurationMilliseconds">How long the key was held (<see cref="DefaultDurationMilliseconds"/> when the body gave none).</param>
public readonly record struct SipKeyPress(char Digit, int DurationMilliseconds)
{
    /// <summary>The duration of a key whose INFO names none (a typical keypad press).</summary>
    public const int DefaultDurationMilliseconds = 160;

    /// <summary>The longest duration taken as given; longer values are clamped (a key is not held for minutes).</summary>
    public const int MaxDurationMilliseconds = 5000;

    /// <summary>True for the INFO content types that carry a key.</summary>
    public static bool IsKeyContentType(string? contentType) => MediaType(contentType) is "application/dtmf-relay" or "application/dtmf";

    /// <summary>
    /// Reads the key from an INFO body of <paramref name="contentType"/>; false with <paramref name="error"/> naming the
    /// field and the reason when the body is not a key (the INFO is then answered 400).
    /// </summary>
    public static bool TryParse(string? contentType, string body, out SipKeyPress key, out string error)
    {
        ArgumentNullException.ThrowIfNull(body);
        key = default;
        error = "";
        var type = MediaType(contentType);
        if (type == "application/dtmf")
        {
            // The body is the key itself (or its RFC 4733 event code, which some senders use).
            if (!TryDigit(body.Trim(), out var digit))
            {
                error = $"application/dtmf body: '{Shorten(body.Trim())}' is not a key (0-9, *, #, A-D or event code 0-15)";
                return false;
            }
            key = new SipKeyPress(digit, DefaultDurationMilliseconds);
            return true;
        }
        if (type != "application/dtmf-relay")
        {
            error = $"Content-Type '{contentType}' does not carry a key";
            return false;
        }
        char? signal = null;
        var duration = DefaultDurationMilliseconds;
        foreach (var raw in body.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue; // unknown lines are ignored, as senders add their own
            var name = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (name.Equals("Signal", StringComparison.OrdinalIgnoreCase))
            {
                if (!TryDigit(value, out var digit))
                {
                    error = $"application/dtmf-relay Signal: '{Shorten(value)}' is not a key (0-9, *, #, A-D or event code 0-15)";
                    return false;
                }
                signal = digit;
            }
            else if (name.Equals("Duration", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms <= 0)
                {
                    error = $"application/dtmf-relay Duration: '{Shorten(value)}' is not a positive number of milliseconds";
                    return false;
                }
                duration = Math.Min(ms, MaxDurationMilliseconds);
            }
        }
        if (signal is not { } pressed)
        {
            error = "application/dtmf-relay: the body has no Signal line";
            return false;
        }
        key = new SipKeyPress(pressed, duration);
        return true;
    }

    private static string? MediaType(string? contentType) =>
        contentType?.Split(';')[0].Trim().ToLowerInvariant();

    private static bool TryDigit(string value, out char digit)
    {
        digit = '\0';
        if (value.Length == 1 && "0123456789*#ABCDabcd".Contains(value[0], StringComparison.Ordinal))
        {
            digit = char.ToUpperInvariant(value[0]);
            return true;
        }
        // RFC 4733 event codes: 10 = *, 11 = #, 12-15 = A-D (0-9 are the one-character case above).
        if (value.Length == 2 && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 10 and <= 15)
        {
            digit = "*#ABCD"[code - 10];
            return true;
        }
        return false;
    }

    // The value goes into a reason phrase: control characters (a CR/LF would split the status line) become '?'.
    private static string Shorten(string value) =>
        string.Create(Math.Min(value.Length, 16), value, (span, v) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = char.IsControl(v[i]) || v[i] > '~' ? '?' : v[i];
        }) + (value.Length > 16 ? "..." : "");
}
