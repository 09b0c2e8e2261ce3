using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;

namespace Ncco.Host.Configuration;

/// <summary>
/// Checks the keys and values under one <see cref="NccoConfigurationSection"/> the way the configuration binder reads
/// them, before anything binds: a key no property matches (a typo, a setting of another version) and a value the
/// property's type cannot be read from (<c>DrainTimeout=banana</c>) each give one line naming the full key, with the
/// nearest known key when one is close. Empty values are treated as unset. Nested sections registered on their own
/// (<c>Ncco:Sip</c> inside <c>Ncco</c>) are left to their own check.
/// </summary>
internal static class NccoConfigurationCheck
{
    /// <summary>The problems under <paramref name="section"/>; empty when every key is known and every value readable.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration, NccoConfigurationSection section, IEnumerable<string> otherSections)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        var nested = otherSections.Where(s => s.Length > section.Path.Length && s.StartsWith(section.Path + ":", StringComparison.OrdinalIgnoreCase)).ToList();
        Walk(configuration.GetSection(section.Path), section.OptionsType, nested, problems);
        return problems;
    }

    private static void Walk(IConfigurationSection node, Type type, List<string> nested, List<string> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsLeaf(type))
        {
            CheckValue(node, type, problems);
            if (node.GetChildren().FirstOrDefault() is { } child)
                problems.Add($"{child.Path} is not a setting: {node.Path} is a single value ({Describe(type)}), not a section.");
            return;
        }
        if (!string.IsNullOrEmpty(node.Value) && node.Path.Contains(':', StringComparison.Ordinal))
            problems.Add($"{node.Path} '{node.Value}' is not valid: it is a section ({Describe(type)}); set its keys instead, such as {node.Path}:{FirstKey(type)}.");

        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in node.GetChildren()) Walk(child, valueType, nested, problems);
            return;
        }
        if (ElementType(type) is { } elementType)
        {
            foreach (var child in node.GetChildren())
            {
                if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    problems.Add($"{child.Path} is not a setting: {node.Path} is a list, indexed 0, 1, 2…");
                else
                    Walk(child, elementType, nested, problems);
            }
            return;
        }

        var properties = Settable(type);
        foreach (var child in node.GetChildren())
        {
            if (nested.Any(n => string.Equals(n, child.Path, StringComparison.OrdinalIgnoreCase))) continue;
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                var known = properties.Select(p => p.Name).Concat(nested.Where(n => IsChildOf(n, node.Path)).Select(n => n[(node.Path.Length + 1)..]));
                var suggestion = Nearest(child.Key, known);
                problems.Add(suggestion is null
                    ? $"{child.Path} is not a setting of this version of Ncco (known under {node.Path}: {string.Join(", ", known.Order(StringComparer.Ordinal))})."
                    : $"{child.Path} is not a setting of this version of Ncco; did you mean {node.Path}:{suggestion}?");
                continue;
            }
            Walk(child, property.PropertyType, nested, problems);
        }
    }

    private static bool IsChildOf(string path, string parent) =>
        path.Length > parent.Length + 1 && path.StartsWith(parent + ":", StringComparison.OrdinalIgnoreCase) && path.IndexOf(':', parent.Length + 1) < 0;

    private static void CheckValue(IConfigurationSection node, Type type, List<string> problems)
    {
        var value = node.Value;
        if (string.IsNullOrEmpty(value) || type == typeof(string) || type == typeof(object)) return;
        var converter = TypeDescriptor.GetConverter(type);
        try
        {
            // The binder's own conversion: invariant culture through the type's TypeConverter.
            if (converter.ConvertFromInvariantString(value) is not null) return;
        }
#pragma warning disable CA1031 // converters throw whatever their parser throws (FormatException, OverflowException, ArgumentException…)
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        problems.Add($"{node.Path} '{value}' is not valid: it must be {Describe(type)}.");
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri) || type == typeof(object)
        || (TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)) && DictionaryValueType(type) is null && ElementType(type) is null && !Settable(type).Any());

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments()[0] == typeof(string) ? dictionary.GetGenericArguments()[1] : null;
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        if (!typeof(IEnumerable).IsAssignableFrom(type)) return null;
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    private static PropertyInfo[] Settable(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod?.IsPublic == true || !IsLeafLike(p.PropertyType)))];

    // A get-only collection or options object is still bound into (the binder fills the existing instance).
    private static bool IsLeafLike(Type type) => type.IsValueType || type == typeof(string);

    private static string FirstKey(Type type) =>
        DictionaryValueType(type) is not null ? "<name>" : ElementType(type) is not null ? "0" : Settable(type).FirstOrDefault()?.Name ?? "…";

    private static string Describe(Type type)
    {
        // A type that reads more than its names says so (PacedSendMode also takes true and false).
        if (type.GetCustomAttribute<DescriptionAttribute>() is { } described) return described.Description;
        if (type == typeof(string)) return "text";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(TimeSpan)) return "a duration written [d.]hh:mm:ss[.fff], such as 00:00:30 for 30 seconds";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return "a whole number";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number (with '.' as the decimal point)";
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type));
        if (type == typeof(Guid)) return "a UUID";
        if (type == typeof(Uri)) return "a URL";
        if (DictionaryValueType(type) is not null) return "a map of names to settings";
        if (ElementType(type) is not null) return "a list";
        return type.Name;
    }

    /// <summary>The known name closest to <paramref name="key"/> by edit distance, when close enough to be a likely typo.</summary>
    internal static string? Nearest(string key, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in known)
        {
            var distance = Ncco.Text.EditDistance.Between(key.ToUpperInvariant(), name.ToUpperInvariant());
            if (distance < bestDistance) (best, bestDistance) = (name, distance);
        }
        // Up to a third of the name, at least one edit: "DrainTimout" → DrainTimeout, "Foo" → nothing.
        return best is not null && Ncco.Text.EditDistance.IsClose(bestDistance, best) ? best : null;
    }
}
