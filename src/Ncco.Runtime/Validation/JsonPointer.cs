using Ncco.Rules;

namespace Ncco.Validation;

/// <summary>Builds RFC 6901 JSON pointers.</summary>
public static class JsonPointer
{
    /// <summary>Appends a member name, escaping <c>~</c> and <c>/</c>.</summary>
    public static string Append(string pointer, string member) => JsonPointers.Append(pointer, member);

    /// <summary>Appends an array index.</summary>
    public static string Append(string pointer, int index) => JsonPointers.Append(pointer, index);
}
