namespace Ncco.Media.Dtmf;

/// <summary>The 16 DTMF keys, their frequency pairs (ITU-T Q.23) and RFC 4733 event codes.</summary>
public static class DtmfDigits
{
    /// <summary>Low-group (row) frequencies in Hz.</summary>
    public static ReadOnlySpan<double> RowFrequencies => [697, 770, 852, 941];

    /// <summary>High-group (column) frequencies in Hz.</summary>
    public static ReadOnlySpan<double> ColumnFrequencies => [1209, 1336, 1477, 1633];

    /// <summary>All keys in RFC 4733 event order (0–9, *, #, A–D).</summary>
    public const string All = "0123456789*#ABCD";

    private const string Keypad = "123A456B789C*0#D"; // row-major

    /// <summary>Whether <paramref name="digit"/> is a DTMF key (case-insensitive for A–D).</summary>
    public static bool IsDigit(char digit) => Keypad.Contains(char.ToUpperInvariant(digit), StringComparison.Ordinal);

    /// <summary>Row and column index (0–3) of a key.</summary>
    /// <exception cref="ArgumentException">Not a DTMF key.</exception>
    public static (int Row, int Column) Position(char digit)
    {
        var i = Keypad.IndexOf(char.ToUpperInvariant(digit), StringComparison.Ordinal);
        if (i < 0)
        {
            throw new ArgumentException($"'{digit}' is not a DTMF key (0-9, *, #, A-D)", nameof(digit));
        }
        return (i / 4, i % 4);
    }

    /// <summary>The key at a row and column.</summary>
    public static char At(int row, int column) => Keypad[(row * 4) + column];

    /// <summary>Low and high frequency of a key.</summary>
    public static (double Low, double High) Frequencies(char digit)
    {
        var (r, c) = Position(digit);
        return (RowFrequencies[r], ColumnFrequencies[c]);
    }

    /// <summary>RFC 4733 event code (0–15) of a key.</summary>
    public static byte ToEventCode(char digit)
    {
        var i = All.IndexOf(char.ToUpperInvariant(digit), StringComparison.Ordinal);
        return i < 0 ? throw new ArgumentException($"'{digit}' is not a DTMF key (0-9, *, #, A-D)", nameof(digit)) : (byte)i;
    }

    /// <summary>Key for an RFC 4733 event code 0–15, or null for other events.</summary>
    public static char? FromEventCode(int code) => code is >= 0 and < 16 ? All[code] : null;
}
