using Ncco.Sip.Parsing;

namespace Ncco.Sip.Dialogs;

/// <summary>
/// The dialog a <c>Replaces</c> value names (RFC 3891 §6.1): <c>call-id;to-tag=…;from-tag=…[;early-only]</c>. The tags are
/// seen from the side of the UA that receives it: <see cref="ToTag"/> is that UA's own tag.
/// </summary>
/// <param name="CallId">Call-ID of the dialog.</param>
/// <param name="ToTag">The tag of the UA the value is meant for (our local tag when it names one of our dialogs).</param>
/// <param name="FromTag">The other party's tag.</param>
/// <param name="EarlyOnly">True with <c>early-only</c>: replace only a dialog that is not yet confirmed.</param>
public sealed record ReplacesTarget(string CallId, string ToTag, string FromTag, bool EarlyOnly)
{
    /// <summary>Most characters of a Replaces value we read; a Call-ID and two tags fit many times over.</summary>
    public const int MaxLength = 1024;

    /// <summary>Parses a Replaces value (already unescaped when it came from a URI header).</summary>
    /// <exception cref="SipParseException">A value without Call-ID, to-tag or from-tag, or too long.</exception>
    public static ReplacesTarget Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > MaxLength) throw new SipParseException($"value longer than {MaxLength} characters", HeaderNamesReplaces);
        var parts = value.Split(';', StringSplitOptions.TrimEntries);
        var callId = parts[0];
        if (callId.Length == 0 || callId.Any(c => c <= ' ' || c > '~'))
        {
            throw new SipParseException("no Call-ID", HeaderNamesReplaces);
        }
        string? toTag = null, fromTag = null;
        var earlyOnly = false;
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = (eq < 0 ? part : part[..eq]).Trim();
            var v = eq < 0 ? null : part[(eq + 1)..].Trim();
            if (name.Equals("to-tag", StringComparison.OrdinalIgnoreCase)) toTag = v;
            else if (name.Equals("from-tag", StringComparison.OrdinalIgnoreCase)) fromTag = v;
            else if (name.Equals("early-only", StringComparison.OrdinalIgnoreCase)) earlyOnly = true;
        }
        if (string.IsNullOrEmpty(toTag)) throw new SipParseException("no to-tag", HeaderNamesReplaces);
        if (string.IsNullOrEmpty(fromTag)) throw new SipParseException("no from-tag", HeaderNamesReplaces);
        return new ReplacesTarget(callId, toTag, fromTag, earlyOnly);
    }

    private const string HeaderNamesReplaces = Messages.HeaderNames.Replaces;
}
