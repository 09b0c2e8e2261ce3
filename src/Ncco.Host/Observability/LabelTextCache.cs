using System.Collections.Concurrent;

namespace Ncco.Host.Observability;

/// <summary>
/// The label text of the tag sets an instrument has seen, looked up by the measurement's tags themselves: a measurement
/// whose tags were seen before costs a lookup, not a sorted array, a builder and two strings (every webhook, SIP
/// message and call records several; issue 19).
/// </summary>
/// <remarks>
/// A tag set is remembered only when each value is a string or a boxed integer, boolean or enum, whose text follows from
/// equality; another value (a double: <c>0.0</c> equals <c>-0.0</c> but prints differently) is rendered every time. At
/// most <see cref="Capacity"/> sets are kept per instrument, so a tag with unbounded values cannot grow this without
/// limit (the series themselves are the exporter's concern).
/// </remarks>
internal sealed class LabelTextCache
{
    /// <summary>The most tag sets remembered.</summary>
    public const int Capacity = 1024;

    private readonly ConcurrentDictionary<TagSet, string> _texts = new(TagSetComparer.Instance);
    private readonly ConcurrentDictionary<TagSet, string>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;

    public LabelTextCache() => _lookup = _texts.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();

    /// <summary>How many tag sets are remembered.</summary>
    public int Count => _texts.Count;

    /// <summary>The label text for <paramref name="tags"/>, from memory when seen before, else made by <paramref name="render"/>.</summary>
    public string Get(ReadOnlySpan<KeyValuePair<string, object?>> tags, LabelRenderer render)
    {
        if (_lookup.TryGetValue(tags, out var text)) return text;
        text = render(tags);
        if (_texts.Count < Capacity && Cacheable(tags)) _lookup.TryAdd(tags, text);
        return text;
    }

    /// <summary>Renders a tag set as label text.</summary>
    public delegate string LabelRenderer(ReadOnlySpan<KeyValuePair<string, object?>> tags);

    private static bool Cacheable(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Value is not (null or string or int or long or short or byte or uint or ulong or ushort or sbyte or bool or Enum)) return false;
        }
        return true;
    }

    /// <summary>A remembered tag set: its own copy of the pairs.</summary>
    private sealed class TagSet(KeyValuePair<string, object?>[] tags)
    {
        public KeyValuePair<string, object?>[] Tags { get; } = tags;
    }

    private sealed class TagSetComparer : IEqualityComparer<TagSet>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, TagSet>
    {
        public static readonly TagSetComparer Instance = new();

        public bool Equals(TagSet? x, TagSet? y) => ReferenceEquals(x, y) || (x is not null && y is not null && Equals(x.Tags, y));

        public int GetHashCode(TagSet obj) => GetHashCode(obj.Tags);

        public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, TagSet other)
        {
            var tags = other.Tags;
            if (alternate.Length != tags.Length) return false;
            for (var i = 0; i < tags.Length; i++)
            {
                if (!string.Equals(alternate[i].Key, tags[i].Key, StringComparison.Ordinal)) return false;
                var a = alternate[i].Value;
                var b = tags[i].Value;
                // Same type as well as equal: a boxed 1 (int) and 1L print alike, but a cached text is only reused exactly.
                if (!(a is null ? b is null : b is not null && a.GetType() == b.GetType() && a.Equals(b))) return false;
            }
            return true;
        }

        public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate)
        {
            var hash = new HashCode();
            foreach (var tag in alternate)
            {
                hash.Add(tag.Key, StringComparer.Ordinal);
                hash.Add(tag.Value);
            }
            return hash.ToHashCode();
        }

        public TagSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => new(alternate.ToArray());
    }
}
