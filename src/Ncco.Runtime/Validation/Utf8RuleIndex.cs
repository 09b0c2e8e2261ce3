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
    public static int IndexOf(ObjectRule rule, JsonProperty member) => IndexOf(Entries[rule], member);

    /// <summary>The lookup data of one rule, fetched once per object rather than once per member.</summary>
    public static Entry For(ObjectRule rule) => Entries[rule];

    /// <summary>The index of the property <paramref name="member"/> names, or -1.</summary>
    public static int IndexOf(Entry entry, JsonProperty member)
    {
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

    /// <summary>The property indexes of <see cref="CrossFieldRule.First"/> and <see cref="CrossFieldRule.Second"/> of each cross-field rule.</summary>
    public static (int First, int Second)[] CrossFieldIndexes(ObjectRule rule) => Entries[rule].CrossFields;

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
            var crossFields = rule.CrossFieldRules
                .Select(c => (Array.IndexOf(rule.Properties, rule.Find(c.First)), Array.IndexOf(rule.Properties, rule.Find(c.Second))))
                .ToArray();
            entries.Add(rule, new Entry(spellings.ToArray(), indexes.ToArray(), crossFields));
        }
        return entries;
    }

    /// <summary>UTF-8 spellings of one rule's properties and the indexes of its cross-field rules.</summary>
    internal sealed record Entry(byte[][] Spellings, int[] PropertyIndex, (int First, int Second)[] CrossFields);
}
