using System.Text;

namespace Ncco.Rules;

/// <summary>What one property of an action, endpoint or settings object may hold.</summary>
internal sealed class PropertyRule
{
    /// <summary>Creates an immutable rule; every optional argument matches the property of the same name.</summary>
    public PropertyRule(
        string name,
        ValueKind kind,
        string description,
        bool required = false,
        string[]? aliases = null,
        double? minimum = null,
        double? maximum = null,
        string[]? allowedValues = null,
        ValueFormat format = ValueFormat.None,
        int? minLength = null,
        int? maxLength = null,
        ValueKind? items = null,
        bool uniqueItems = false,
        string? objectRef = null,
        bool stringValuesOnly = false,
        string? @default = null)
    {
        Name = name;
        Utf8Name = Encoding.UTF8.GetBytes(name);
        Kind = kind;
        Description = description;
        Required = required;
        Aliases = aliases ?? [];
        Utf8Aliases = Aliases.Select(Encoding.UTF8.GetBytes).ToArray();
        // Whole numbers bind to 32-bit integers: where the reference gives no bound, the type's bound is the rule's,
        // so the validator never accepts a number the reader cannot hold (2147483648 is a range error, not a crash).
        Minimum = kind == ValueKind.Integer ? minimum ?? int.MinValue : minimum;
        Maximum = kind == ValueKind.Integer ? maximum ?? int.MaxValue : maximum;
        AllowedValues = allowedValues;
        Utf8AllowedValues = allowedValues?.Select(Encoding.UTF8.GetBytes).ToArray();
        Format = format;
        MinLength = minLength;
        MaxLength = maxLength;
        Items = items;
        UniqueItems = uniqueItems;
        ObjectRef = objectRef;
        StringValuesOnly = stringValuesOnly;
        Default = @default;
    }

    /// <summary>The documented wire spelling, which writers emit.</summary>
    public string Name { get; }

    /// <summary><see cref="Name"/> in UTF-8, compared with raw JSON bytes at run time.</summary>
    public byte[] Utf8Name { get; }

    /// <summary>Other spellings seen in the wild that readers accept (reference §8).</summary>
    public string[] Aliases { get; }

    /// <summary><see cref="Aliases"/> in UTF-8.</summary>
    public byte[][] Utf8Aliases { get; }

    /// <summary>The JSON shape.</summary>
    public ValueKind Kind { get; }

    /// <summary>A sentence for people: the schema description and the analyzers' help text.</summary>
    public string Description { get; }

    /// <summary>Must be present.</summary>
    public bool Required { get; }

    /// <summary>Inclusive lower bound for numbers (for whole numbers at least <see cref="int.MinValue"/>).</summary>
    public double? Minimum { get; }

    /// <summary>Inclusive upper bound for numbers (for whole numbers at most <see cref="int.MaxValue"/>: they bind to <c>int</c>).</summary>
    public double? Maximum { get; }

    /// <summary>The only allowed values of a string (or of an array's string items).</summary>
    public string[]? AllowedValues { get; }

    /// <summary><see cref="AllowedValues"/> in UTF-8.</summary>
    public byte[][]? Utf8AllowedValues { get; }

    /// <summary>Extra syntax for strings (or an array's string items).</summary>
    public ValueFormat Format { get; }

    /// <summary>Minimum string length, or minimum item count for arrays.</summary>
    public int? MinLength { get; }

    /// <summary>Maximum string length (or serialized size in bytes for free-form objects), or maximum item count for arrays.</summary>
    public int? MaxLength { get; }

    /// <summary>For arrays: the kind of each item.</summary>
    public ValueKind? Items { get; }

    /// <summary>For arrays: items must be distinct.</summary>
    public bool UniqueItems { get; }

    /// <summary>For objects (or arrays of objects): the <see cref="ObjectRule.Name"/> describing them.</summary>
    public string? ObjectRef { get; }

    /// <summary>For free-form objects: every member value must be a string.</summary>
    public bool StringValuesOnly { get; }

    /// <summary>The documented default, as the wire would spell it; null when there is none.</summary>
    public string? Default { get; }

    /// <summary>Every spelling this rule matches, documented first.</summary>
    public IEnumerable<string> AllNames()
    {
        yield return Name;
        foreach (var alias in Aliases) yield return alias;
    }
}
