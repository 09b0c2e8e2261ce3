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
        var parts = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            throw new SipParseException("must be a number and a method", HeaderNames.CSeq);
        }
        if (parts[0].Length > 10 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number >= 1L << 31)
        {
            throw new SipParseException("sequence number must be a whole number below 2^31", HeaderNames.CSeq);
        }
        if (!HeaderText.IsToken(parts[1]))
        {
            throw new SipParseException("method is not a token", HeaderNames.CSeq);
        }
        return new CSeqHeader(number, parts[1]);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Number.ToString(CultureInfo.InvariantCulture)} {Method}";
}
