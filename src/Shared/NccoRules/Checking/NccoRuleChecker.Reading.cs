using System.Globalization;

namespace Ncco.Rules;

/// <summary>
/// Lenient readers of scalar values: numbers and booleans may arrive as strings (older SDKs and PHP send <c>"3"</c>
/// and <c>"true"</c>). The checker and the runtime's reader both read through these, so what the checker accepts is
/// exactly what the reader binds.
/// </summary>
internal partial struct NccoRuleChecker<TTree, TNode, TMember, TCursor>
{
    /// <summary>A whole number: a JSON number without a fraction, or a string of digits with an optional sign.</summary>
    public static Tri ReadInteger(ref TTree tree, TNode value, out long result)
    {
        result = 0;
        switch (tree.Kind(value))
        {
            case NodeKind.Number:
                if (!tree.IsKnown(value)) return Tri.Unknown;
                if (tree.TryGetInt64(value, out result)) return Tri.True;
                // 5.0 and 1e3 are whole numbers too; beyond 1e15 a double no longer says which one.
                if (tree.TryGetDouble(value, out var d) && d == Math.Floor(d) && Math.Abs(d) < 1e15)
                {
                    result = (long)d;
                    return Tri.True;
                }
                return Tri.Invalid;
            case NodeKind.String:
                if (!tree.IsKnown(value)) return Tri.Unknown;
                if (!tree.IsWellFormed(value)) return Tri.Invalid;
                return long.TryParse(tree.Text(value), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result) ? Tri.True : Tri.Invalid;
            case NodeKind.Unknown:
                return Tri.Unknown;
        }
        return Tri.Invalid;
    }

    /// <summary>A finite number: a JSON number, or a string of digits with an optional sign and decimal point.</summary>
    public static Tri ReadNumber(ref TTree tree, TNode value, out double result)
    {
        result = 0;
        switch (tree.Kind(value))
        {
            case NodeKind.Number:
                if (!tree.IsKnown(value)) return Tri.Unknown;
                return tree.TryGetDouble(value, out result) ? Tri.True : Tri.Invalid;
            case NodeKind.String:
                if (!tree.IsKnown(value)) return Tri.Unknown;
                if (!tree.IsWellFormed(value)) return Tri.Invalid;
                return double.TryParse(tree.Text(value), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out result)
                    && !double.IsNaN(result) && !double.IsInfinity(result)
                    ? Tri.True
                    : Tri.Invalid;
            case NodeKind.Unknown:
                return Tri.Unknown;
        }
        return Tri.Invalid;
    }

    /// <summary>A boolean: JSON true/false, or the strings "true"/"false".</summary>
    public static Tri ReadBoolean(ref TTree tree, TNode value)
    {
        switch (tree.Kind(value))
        {
            case NodeKind.Boolean:
                return !tree.IsKnown(value) ? Tri.Unknown : tree.Boolean(value) ? Tri.True : Tri.False;
            case NodeKind.String:
                if (!tree.IsKnown(value)) return Tri.Unknown;
                if (!tree.IsWellFormed(value)) return Tri.Invalid;
                if (tree.TextEquals(value, "true", RuleNames.True)) return Tri.True;
                if (tree.TextEquals(value, "false", RuleNames.False)) return Tri.False;
                return Tri.Invalid;
            case NodeKind.Unknown:
                return Tri.Unknown;
        }
        return Tri.Invalid;
    }

    /// <summary>Whether a value equals a table value (<c>"true"</c>, <c>"conversation"</c>), reading booleans leniently.</summary>
    public static Tri EqualsRuleValue(ref TTree tree, TNode value, string expected)
    {
        if (expected is "true" or "false")
        {
            var flag = ReadBoolean(ref tree, value);
            if (flag == Tri.Unknown) return Tri.Unknown;
            return flag != Tri.Invalid && (flag == Tri.True) == (expected == "true") ? Tri.True : Tri.False;
        }
        var kind = tree.Kind(value);
        if (kind == NodeKind.Unknown || kind == NodeKind.String && !tree.IsKnown(value)) return Tri.Unknown;
        return kind == NodeKind.String && tree.IsWellFormed(value) && tree.TextEquals(value, expected, null) ? Tri.True : Tri.False;
    }

    /// <summary>A value as a message names it: <c>the string "x"</c>, <c>the number 3</c>, <c>an array</c>.</summary>
    private string Describe(TNode value) => _tree.Kind(value) switch
    {
        NodeKind.String => _tree.IsKnown(value) ? "the string \"" + Truncate(_tree.Text(value)) + "\"" : "a string",
        NodeKind.Number => _tree.IsKnown(value) ? "the number " + _tree.NumberText(value) : "a number",
        NodeKind.Boolean => _tree.IsKnown(value) ? (_tree.Boolean(value) ? "true" : "false") : "a boolean",
        NodeKind.Null => "null",
        NodeKind.Array => "an array",
        NodeKind.Object => "an object",
        _ => "a value",
    };

    /// <summary>A string as JSON would write it, for "like [...]" hints.</summary>
    private string Quoted(TNode value) =>
        _tree.IsKnown(value) ? "\"" + _tree.Text(value).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"" : "\"…\"";

    private static string Truncate(string text) => text.Length <= 60 ? text : text.Substring(0, 57) + "...";
}
