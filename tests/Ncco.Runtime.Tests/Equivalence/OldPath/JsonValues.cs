using System.Text.Json;
using Ncco.Rules;
using Ncco.Serialization;
using Ncco.Validation;
using Checker = Ncco.Rules.NccoRuleChecker<Ncco.Runtime.Tests.Equivalence.OldPath.JsonTree, System.Text.Json.JsonElement, Ncco.Runtime.Tests.Equivalence.OldPath.JsonMember, Ncco.Runtime.Tests.Equivalence.OldPath.JsonCursor>;

namespace Ncco.Runtime.Tests.Equivalence.OldPath;

/// <summary>
/// The reader's lenient scalar reads: numbers and booleans may arrive as strings (<c>"3"</c>, <c>"true"</c>). They are
/// the rule checker's own reads, so the reader binds exactly what the validator accepted.
/// </summary>
internal static class JsonValues
{
    private static readonly JsonTree Tree = new(errors: null, customActions: null, allTextWellFormed: false);

    public static bool TryGetInteger(JsonElement value, out long result)
    {
        var tree = Tree;
        return Checker.ReadInteger(ref tree, value, out result) == Tri.True;
    }

    public static bool TryGetNumber(JsonElement value, out double result)
    {
        var tree = Tree;
        return Checker.ReadNumber(ref tree, value, out result) == Tri.True;
    }

    public static bool TryGetBoolean(JsonElement value, out bool result)
    {
        var tree = Tree;
        var flag = Checker.ReadBoolean(ref tree, value);
        result = flag == Tri.True;
        return flag is Tri.True or Tri.False;
    }
}
