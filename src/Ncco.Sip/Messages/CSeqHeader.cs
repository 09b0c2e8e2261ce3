using System.Globalization;
using Ncco.Sip.Parsing;

namespace Ncco.Sip.Messages;

/// <summary>The CSeq header (RFC 3261 §20.16): a sequence number below 2^31 and a method.</summary>
/// <param name="Number">The sequence number.</param>
/// <param name="Method">The method, as written (methods are case-sensitive).</param>
public sealed record CSeqHeader(long Number, string Method)
{
    /// <summary>Parses a CSeq value; errors name the CSeq header.</summary>
    public static CSeqHeader Parse(string text)
    {
        // Two words separated by spaces or tabs, read in place: a string for the method only, and for the methods this
        // stack knows a constant (every message carries a CSeq; issue 19).
        var span = text.AsSpan();
        Span<Range> parts = stackalloc Range[3];
        var count = span.SplitAny(parts, " \t", StringSplitOptions.RemoveEmptyEntries);
        if (count != 2)
        {
            throw new SipParseException("must be a number and a method", HeaderNames.CSeq);
        }
        var numberText = span[parts[0]];
        if (numberText.Length > 10 || !long.TryParse(numberText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number >= 1L << 31)
        {
            throw new SipParseException("sequence number must be a whole number below 2^31", HeaderNames.CSeq);
        }
        var methodText = span[parts[1]];
        if (!HeaderText.IsToken(methodText))
        {
            throw new SipParseException("method is not a token", HeaderNames.CSeq);
        }
        return new CSeqHeader(number, SipMethods.Canonical(methodText));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Number.ToString(CultureInfo.InvariantCulture)} {Method}";
}
