using System.Globalization;

namespace Ncco.Rules;

/// <summary>Builds RFC 6901 JSON pointers.</summary>
internal static class JsonPointers
{
    // "/0" … "/127": the pointer of each action, built for every action checked, so made once.
    private static readonly string[] TopLevel = Enumerable.Range(0, 128).Select(i => "/" + i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Appends a member name, escaping <c>~</c> and <c>/</c>.</summary>
    public static string Append(string pointer, string member) =>
        pointer + "/" + (member.IndexOf('~') >= 0 || member.IndexOf('/') >= 0 ? member.Replace("~", "~0").Replace("/", "~1") : member);

    /// <summary>Appends an array index.</summary>
    public static string Append(string pointer, int index) =>
        pointer.Length == 0 && index >= 0 && index < TopLevel.Length
            ? TopLevel[index]
            : pointer + "/" + index.ToString(CultureInfo.InvariantCulture);
}
