using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Ncco.Rules;

namespace Ncco.Validation;

/// <summary>
/// UTF-8 spellings of every property and action name of <see cref="NccoRuleTable"/>, computed once, so matching a
/// JSON member against the table is a byte comparison instead of a transcoding string comparison per candidate.
/// The table itself stays string-based because the analyzers share it on netstandard2.0.
/// </summary>
internal static class Utf8RuleIndex
{
    private static readonly Dictionary<ObjectRule, Entry> Entries = Build();
    private static readonly (byte[] Name, ObjectRule Rule)[] ActionNames =
        NccoRuleTable.Actions.Select(rule => (Encoding.UTF8.GetBytes(rule.Name), rule)).ToArray();

    /// <summary>The index of the property <paramref name="member"/> names in <paramref name="rule"/>, or -1.</summary>
    public static int IndexOf(ObjectRule rule, JsonProperty member)
    {
        var entry = Entries[rule];
        var raw = JsonMarshal.GetRawUtf8PropertyName(member);
        if (raw.IndexOf((byte)'\\') < 0)
        {
            for (var i = 0; i < entry.Spellings.Length; i++)
            {
                if (raw.SequenceEqual(entry.Spellings[i])) return entry.PropertyIndex[i];
            }
            return -1;
        }

        // An escaped name (rare): let System.Text.Json unescape and compare.
        for (var i = 0; i < entry.Spellings.Length; i++)
        {
            if (member.NameEquals(entry.Spellings[i])) return entry.PropertyIndex[i];
        }
        return -1;
    }

    /// <summary>The rule of the built-in action named by a JSON string, or null.</summary>
    public static ObjectRule? FindAction(JsonElement name)
    {
        foreach (var (utf8, rule) in ActionNames)
        {
            if (name.ValueEquals(utf8)) return rule;
        }
        return null;
    }

    private static Dictionary<ObjectRule, Entry> Build()
    {
        var entries = new Dictionary<ObjectRule, Entry>(ReferenceEqualityComparer.Instance);
        foreach (var rule in NccoRuleTable.Actions.Concat(NccoRuleTable.Endpoints).Concat(NccoRuleTable.Settings))
        {
            var spellings = new List<byte[]>();
            var indexes = new List<int>();
            for (var i = 0; i < rule.Properties.Length; i++)
            {
                foreach (var name in rule.Properties[i].AllNames())
                {
                    spellings.Add(Encoding.UTF8.GetBytes(name));
                    indexes.Add(i);
                }
            }
            entries.Add(rule, new Entry(spellings.ToArray(), indexes.ToArray()));
        }
        return entries;
    }

    private sealed record Entry(byte[][] Spellings, int[] PropertyIndex);
}
