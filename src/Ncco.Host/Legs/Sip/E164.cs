namespace Ncco.Host.Legs.Sip;

/// <summary>E.164 normalisation of the numbers of <c>phone</c> endpoints and caller ids before they reach a trunk.</summary>
internal static class E164
{
    /// <summary>The most digits an E.164 number has (ITU-T E.164 §6).</summary>
    public const int MaxDigits = 15;

    /// <summary>
    /// The digits of <paramref name="number"/> with a leading <c>+</c>, spaces and dashes removed, or null with
    /// <paramref name="error"/> saying why when anything else is there (letters, <c>;</c>, <c>@</c>…), it has no digits
    /// or more than <see cref="MaxDigits"/>: such a value must never become part of a request URI.
    /// </summary>
    public static string? Normalize(string? number, out string error)
    {
        error = "";
        if (string.IsNullOrWhiteSpace(number))
        {
            error = "the number is empty";
            return null;
        }
        var text = number.Trim();
        if (text.Length > 64)
        {
            error = "the number is too long";
            return null;
        }
        if (text.StartsWith('+')) text = text[1..];
        var digits = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c)) digits.Append(c);
            else if (c is not (' ' or '-'))
            {
                error = "the number may hold only digits, a leading +, spaces and dashes";
                return null;
            }
        }
        if (digits.Length is 0 or > MaxDigits)
        {
            error = $"an E.164 number has 1 to {MaxDigits} digits";
            return null;
        }
        return digits.ToString();
    }
}
