using System.Collections;
using System.Runtime.CompilerServices;

namespace Ncco.Model;

/// <summary>
/// An immutable list with value equality, so records that hold lists (an NCCO, <c>canHear</c>, <c>context</c>)
/// compare by content. Records would otherwise compare lists by reference, which makes round-trip tests and
/// change detection silently wrong.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
[CollectionBuilder(typeof(EquatableList), nameof(EquatableList.Create))]
public sealed class EquatableList<T> : IReadOnlyList<T>, IEquatable<EquatableList<T>>
{
    private readonly T[] _items;

    /// <summary>The empty list.</summary>
    public static EquatableList<T> Empty { get; } = new([]);

    /// <summary>Creates a list holding a copy of <paramref name="items"/>.</summary>
    public EquatableList(IEnumerable<T> items) => _items = items is T[] array ? (T[])array.Clone() : items.ToArray();

    private EquatableList(T[] items, bool _) => _items = items;

    internal static EquatableList<T> Wrap(T[] items) => new(items, true);

    /// <inheritdoc />
    public T this[int index] => _items[index];

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <summary>The items as a span, for allocation-free iteration.</summary>
    public ReadOnlySpan<T> AsSpan() => _items;

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc />
    public bool Equals(EquatableList<T>? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (_items.Length != other._items.Length) return false;
        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < _items.Length; i++)
        {
            if (!comparer.Equals(_items[i], other._items[i])) return false;
        }
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as EquatableList<T>);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items) hash.Add(item);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => "[" + string.Join(", ", _items) + "]";

    /// <summary>Wraps an array (copied) as an equatable list.</summary>
    public static implicit operator EquatableList<T>(T[] items) => new(items);

    /// <summary>Wraps a list (copied) as an equatable list.</summary>
    public static implicit operator EquatableList<T>(List<T> items) => new(items);
}

/// <summary>Creates <see cref="EquatableList{T}"/>s; collection expressions use it (<c>Context = ["sales", "support"]</c>).</summary>
public static class EquatableList
{
    /// <summary>A list holding a copy of <paramref name="items"/>.</summary>
    public static EquatableList<T> Create<T>(ReadOnlySpan<T> items) => items.IsEmpty ? EquatableList<T>.Empty : EquatableList<T>.Wrap(items.ToArray());
}
