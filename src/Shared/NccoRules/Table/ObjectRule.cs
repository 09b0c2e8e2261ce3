using System.Text;

namespace Ncco.Rules;

/// <summary>What an action, an endpoint or a settings object may contain.</summary>
internal sealed class ObjectRule
{
    /// <summary>Creates a rule.</summary>
    public ObjectRule(string name, string description, PropertyRule[] properties, CrossFieldRule[]? crossFieldRules = null)
    {
        Name = name;
        Description = description;
        Properties = properties;
        CrossFieldRules = crossFieldRules ?? [];
        if (properties.Length > 64) throw new ArgumentException("a rule has at most 64 properties (the checker keeps them in one bit mask)", nameof(properties));

        Key = name.StartsWith(EndpointPrefix, StringComparison.Ordinal) ? name.Substring(EndpointPrefix.Length) : name;
        Utf8Key = Encoding.UTF8.GetBytes(Key);
        var spellings = new List<string>();
        var owners = new List<int>();
        for (var i = 0; i < properties.Length; i++)
        {
            spellings.Add(properties[i].Name);
            owners.Add(i);
            foreach (var alias in properties[i].Aliases)
            {
                spellings.Add(alias);
                owners.Add(i);
            }
        }
        Spellings = spellings.ToArray();
        Utf8Spellings = spellings.Select(Encoding.UTF8.GetBytes).ToArray();
        SpellingOwners = owners.ToArray();
        SpellingBuckets = new int[SpellingBucketCount];
        SpellingChain = new int[Utf8Spellings.Length];
        for (var i = Utf8Spellings.Length - 1; i >= 0; i--)
        {
            // Chained in spelling order, so a lookup finds the same spelling the ordered scan found first.
            var bucket = SpellingBucket(Utf8Spellings[i].Length, Utf8Spellings[i].Length == 0 ? (byte)0 : Utf8Spellings[i][0], Utf8Spellings[i].Length == 0 ? (byte)0 : Utf8Spellings[i][Utf8Spellings[i].Length - 1]);
            SpellingChain[i] = SpellingBuckets[bucket] - 1;
            SpellingBuckets[bucket] = i + 1;
        }
        CrossFieldFirst = CrossFieldRules.Select(c => IndexOfSpelling(c.First)).ToArray();
        CrossFieldSecond = CrossFieldRules.Select(c => IndexOfSpelling(c.Second)).ToArray();
        PremiumIndex = IndexOfSpelling("premium");
        for (var i = 0; i < properties.Length; i++)
        {
            if (properties[i].Required) RequiredMask |= 1UL << i;
        }
        CrossFieldAlways = CrossFieldRules.Select(c => c.Kind is CrossFieldKind.ExactlyOne or CrossFieldKind.TtsStyle).ToArray();
    }

    private const string EndpointPrefix = "endpoint.";

    /// <summary>
    /// The rule's name: an action name (<c>talk</c>), <c>endpoint.&lt;type&gt;</c> for endpoints, or the name of
    /// a settings object (<c>dtmfSettings</c>).
    /// </summary>
    public string Name { get; }

    /// <summary>A sentence for people.</summary>
    public string Description { get; }

    /// <summary>Every property the object defines (the discriminator included).</summary>
    public PropertyRule[] Properties { get; }

    /// <summary>Rules that relate several properties.</summary>
    public CrossFieldRule[] CrossFieldRules { get; }

    /// <summary>What the JSON names this rule by: the action name, or the endpoint type (the name without <c>endpoint.</c>).</summary>
    public string Key { get; }

    /// <summary><see cref="Key"/> in UTF-8, compared with raw JSON bytes at run time.</summary>
    public byte[] Utf8Key { get; }

    /// <summary>Every accepted spelling of every property (documented name, then aliases), in property order.</summary>
    public string[] Spellings { get; }

    /// <summary><see cref="Spellings"/> in UTF-8.</summary>
    public byte[][] Utf8Spellings { get; }

    /// <summary>The index in <see cref="Properties"/> each of <see cref="Spellings"/> belongs to.</summary>
    public int[] SpellingOwners { get; }

    /// <summary>How many buckets <see cref="SpellingBuckets"/> has (a power of two).</summary>
    public const int SpellingBucketCount = 64;

    /// <summary>
    /// For each bucket (<see cref="SpellingBucket"/> of a name's UTF-8 length, first and last byte): one more than the
    /// index in <see cref="Utf8Spellings"/> of its first spelling, 0 when none. Every member of every object is matched
    /// against its rule's spellings; this makes that one or two comparisons instead of a scan.
    /// </summary>
    public int[] SpellingBuckets { get; }

    /// <summary>For each of <see cref="Utf8Spellings"/>: the index of the next spelling in its bucket, or -1.</summary>
    public int[] SpellingChain { get; }

    /// <summary>The bucket of a UTF-8 name of <paramref name="length"/> bytes with this first and last byte.</summary>
    public static int SpellingBucket(int length, byte first, byte last) => (length * 7 + first * 3 + last) & (SpellingBucketCount - 1);

    /// <summary>For each of <see cref="CrossFieldRules"/>: the index in <see cref="Properties"/> of its first property.</summary>
    public int[] CrossFieldFirst { get; }

    /// <summary>For each of <see cref="CrossFieldRules"/>: the index in <see cref="Properties"/> of its second property.</summary>
    public int[] CrossFieldSecond { get; }

    /// <summary>A bit per required property (by index in <see cref="Properties"/>): an object with them all needs no look at each rule.</summary>
    public ulong RequiredMask { get; }

    /// <summary>
    /// For each of <see cref="CrossFieldRules"/>: whether it applies when its first property is absent (exactly-one and the
    /// talk style rule); the others are skipped without a call when it is.
    /// </summary>
    public bool[] CrossFieldAlways { get; }

    /// <summary>The index in <see cref="Properties"/> of <c>premium</c> (read by the talk style rule), or -1.</summary>
    public int PremiumIndex { get; }

    /// <summary>The index in <see cref="Properties"/> of the property <paramref name="name"/> spells (exact match), or -1.</summary>
    public int IndexOfSpelling(string name)
    {
        for (var i = 0; i < Spellings.Length; i++)
        {
            if (Spellings[i] == name) return SpellingOwners[i];
        }
        return -1;
    }

    /// <summary>Finds a property by any accepted spelling (exact match).</summary>
    public PropertyRule? Find(string name)
    {
        foreach (var property in Properties)
        {
            if (property.Name == name) return property;
            foreach (var alias in property.Aliases)
            {
                if (alias == name) return property;
            }
        }
        return null;
    }

    /// <summary>Finds a property whose spelling differs only in case or separators, for "did you mean" hints.</summary>
    public PropertyRule? FindSimilar(string name)
    {
        var wanted = Normalize(name);
        foreach (var property in Properties)
        {
            foreach (var spelling in property.AllNames())
            {
                if (Normalize(spelling) == wanted) return property;
            }
        }
        return null;
    }

    private static string Normalize(string name) =>
        name.Replace("_", string.Empty).Replace("-", string.Empty).ToLowerInvariant();
}
