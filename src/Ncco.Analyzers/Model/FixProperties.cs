using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis.Text;

namespace Ncco.Analyzers.Model;

/// <summary>
/// Code fixes travel with the diagnostic as text edits in its properties: the analyzer knows exactly which
/// characters to change (including inside string literals, where only it has the position map), and the fix
/// assembly stays a small, generic edit applier.
/// </summary>
internal static class FixProperties
{
    public const string Title = "NccoFixTitle";
    public const string Count = "NccoFixEdits";
    public const string EquivalenceKey = "NccoFixKey";

    public static ImmutableDictionary<string, string?> Encode(string title, string key, IReadOnlyList<SourceEdit> edits)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string?>();
        builder[Title] = title;
        builder[EquivalenceKey] = key;
        builder[Count] = edits.Count.ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < edits.Count; i++)
        {
            builder["NccoFixSpan" + i.ToString(CultureInfo.InvariantCulture)] =
                edits[i].Span.Start.ToString(CultureInfo.InvariantCulture) + "," + edits[i].Span.Length.ToString(CultureInfo.InvariantCulture);
            builder["NccoFixText" + i.ToString(CultureInfo.InvariantCulture)] = edits[i].Text;
        }
        return builder.ToImmutable();
    }

    public static bool TryDecode(ImmutableDictionary<string, string?> properties, out string title, out string key, out List<SourceEdit> edits)
    {
        edits = [];
        title = string.Empty;
        key = string.Empty;
        if (!properties.TryGetValue(Title, out var t) || t is null) return false;
        if (!properties.TryGetValue(Count, out var c) || !int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var count)) return false;
        title = t;
        key = properties.TryGetValue(EquivalenceKey, out var k) && k is not null ? k : t;
        for (var i = 0; i < count; i++)
        {
            var index = i.ToString(CultureInfo.InvariantCulture);
            if (!properties.TryGetValue("NccoFixSpan" + index, out var span) || span is null) return false;
            var parts = span.Split(',');
            edits.Add(new SourceEdit(
                new TextSpan(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture)),
                properties.TryGetValue("NccoFixText" + index, out var text) ? text ?? string.Empty : string.Empty));
        }
        return true;
    }
}

/// <summary>Turns a <see cref="FixRequest"/> into source edits for one way of writing NCCOs.</summary>
internal interface IFixWriter
{
    /// <summary>The edits and a title, or null when this writer cannot make the fix safely.</summary>
    (string Title, string Key, List<SourceEdit> Edits)? Write(FixRequest request);
}
