using System.Globalization;
using System.Text;

namespace Ncco.Host.Rest;

/// <summary>
/// Turns the validator's JSON pointers into the dotted names REST errors use in <c>invalid_parameters</c>:
/// <c>/0/endpoint/0/uri</c> becomes <c>[0].endpoint[0].uri</c>, appended to the REST field that holds it.
/// </summary>
internal static class PointerPath
{
    /// <summary>The unescaped segments of <paramref name="pointer"/>.</summary>
    public static List<string> Segments(string pointer) =>
        [.. pointer.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    /// <summary><paramref name="segments"/> as a path suffix: indexes in brackets, names after dots.</summary>
    public static string Suffix(IEnumerable<string> segments)
    {
        var path = new StringBuilder();
        foreach (var s in segments)
        {
            if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var index)) path.Append('[').Append(index).Append(']');
            else path.Append('.').Append(s);
        }
        return path.ToString();
    }

    /// <summary><c>/0/text</c> → <c>[0].text</c>.</summary>
    public static string Suffix(string pointer) => Suffix(Segments(pointer));
}
