using System.Text.Json;
using Ncco.Rules;

namespace Ncco.Schema.Tests;

/// <summary>Every rule of the table has at least one invalid corpus case that hits it and one valid case that uses it.</summary>
public class CoverageTests
{
    [Fact]
    public void Every_constrained_property_and_cross_field_rule_has_an_invalid_case()
    {
        var hits = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Corpus.Files.Where(f => f.StartsWith("invalid/", StringComparison.Ordinal)))
        {
            JsonDocument document;
            try { document = JsonDocument.Parse(Corpus.Read(file)); }
            catch (JsonException) { continue; }
            using (document)
            {
                foreach (var error in Corpus.Validate(file))
                {
                    foreach (var hit in Hits(document.RootElement, error)) hits.Add(hit);
                }
            }
        }

        var missing = Requirements().Where(r => !hits.Contains(r)).ToArray();
        Assert.True(missing.Length == 0, "rules without an invalid corpus case:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Every_property_spelling_and_cross_field_rule_appears_in_a_valid_case()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Corpus.Files.Where(f => f.StartsWith("valid/", StringComparison.Ordinal)))
        {
            using var document = JsonDocument.Parse(Corpus.Read(file));
            foreach (var action in document.RootElement.EnumerateArray())
            {
                Walk(action, NccoRuleTable.FindAction(action.GetProperty("action").GetString()!)!, seen);
            }
        }

        var missing = new List<string>();
        foreach (var rule in AllRules())
        {
            foreach (var property in rule.Properties)
            {
                missing.AddRange(property.AllNames().Where(s => !seen.Contains($"{rule.Name}.{s}")).Select(s => $"{rule.Name}.{s}"));
            }
            foreach (var cross in rule.CrossFieldRules)
            {
                var first = rule.Find(cross.First)!;
                if (!first.AllNames().Any(s => seen.Contains($"{rule.Name}.{s}"))) missing.Add($"{rule.Name}: {cross.Kind} {cross.First}/{cross.Second}");
            }
        }
        Assert.True(missing.Count == 0, "never used in a valid corpus case:\n" + string.Join("\n", missing));
    }

    private static IEnumerable<ObjectRule> AllRules() => NccoRuleTable.Actions.Concat(NccoRuleTable.Endpoints).Concat(NccoRuleTable.Settings);

    private static bool IsDiscriminator(ObjectRule rule, PropertyRule property) =>
        property.AllowedValues is { Length: 1 } && (property.Name == "action" || (property.Name == "type" && rule.Name.StartsWith("endpoint.", StringComparison.Ordinal)));

    /// <summary>What the corpus must hit: <c>rule.property code</c> and <c>rule cross-kind first/second</c>.</summary>
    private static IEnumerable<string> Requirements()
    {
        foreach (var rule in AllRules())
        {
            foreach (var p in rule.Properties)
            {
                if (IsDiscriminator(rule, p)) continue;
                if (p.Minimum is not null || p.Maximum is not null) yield return $"{rule.Name}.{p.Name} {ErrorCodes.Range}";
                if (p.AllowedValues is not null) yield return $"{rule.Name}.{p.Name} {ErrorCodes.Enum}";
                if (p.Format is ValueFormat.TalkText) yield return $"{rule.Name}.{p.Name} {ErrorCodes.Length}";
                else if (p.Format != ValueFormat.None) yield return $"{rule.Name}.{p.Name} {ErrorCodes.Format}";
                if (p.MinLength is not null || p.MaxLength is not null) yield return $"{rule.Name}.{p.Name} {ErrorCodes.Length}";
                if (p.Required) yield return $"{rule.Name}.{p.Name} {ErrorCodes.Required}";
                if (p.UniqueItems || p.Aliases.Length > 0) yield return $"{rule.Name}.{p.Name} {ErrorCodes.Duplicate}";
            }
            foreach (var cross in rule.CrossFieldRules) yield return CrossKey(rule, cross);
        }
    }

    private static string CrossKey(ObjectRule rule, CrossFieldRule cross) => $"{rule.Name} {cross.Kind} {cross.First}/{cross.Second}";

    /// <summary>The requirements one validator error satisfies.</summary>
    private static IEnumerable<string> Hits(JsonElement root, Validation.NccoError error)
    {
        // Text that is not Unicode is a property of the bytes, not of a rule of the table.
        if (error.Code == ErrorCodes.Encoding) yield break;
        var segments = error.Pointer.Length == 0 ? [] : error.Pointer[1..].Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToArray();
        if (error.Code == ErrorCodes.Required)
        {
            if (ObjectRuleAt(root, segments) is not { } owner) yield break;
            foreach (var p in owner.Properties.Where(p => error.Message.StartsWith($"\"{p.Name}\" is required", StringComparison.Ordinal)))
            {
                yield return $"{owner.Name}.{p.Name} {ErrorCodes.Required}";
            }
            foreach (var cross in owner.CrossFieldRules.Where(c => c.Kind == CrossFieldKind.ExactlyOne && error.Message == c.Message))
            {
                yield return CrossKey(owner, cross);
            }
            yield break;
        }

        // A property, or an item of an array property.
        var propertyAt = segments.Length;
        if (propertyAt > 0 && int.TryParse(segments[^1], out _)) propertyAt--;
        if (propertyAt < 1) yield break;
        if (ObjectRuleAt(root, segments[..(propertyAt - 1)]) is not { } rule) yield break;
        if (rule.Find(segments[propertyAt - 1]) is not { } property) yield break;

        var fromTts = error.Code == ErrorCodes.Range && !error.Message.StartsWith("must be", StringComparison.Ordinal);
        if (!fromTts) yield return $"{rule.Name}.{property.Name} {error.Code}";
        foreach (var cross in rule.CrossFieldRules)
        {
            var (at, code) = cross.Kind switch
            {
                CrossFieldKind.Conflict => (cross.First, ErrorCodes.Conflict),
                CrossFieldKind.Requires or CrossFieldKind.RequiredWhen or CrossFieldKind.RequiresItem => (cross.First, ErrorCodes.Requires),
                CrossFieldKind.ForbiddenWhen or CrossFieldKind.OnlyItemWhen or CrossFieldKind.ExactlyOne => (cross.Second, ErrorCodes.Conflict),
                _ => (fromTts ? property.Name : "-", ErrorCodes.Range),
            };
            if (code == error.Code && rule.Find(at) == property && error.Message.StartsWith(cross.Kind == CrossFieldKind.TtsStyle ? string.Empty : cross.Message, StringComparison.Ordinal))
            {
                yield return CrossKey(rule, cross);
            }
        }
    }

    /// <summary>The rule describing the object at the pointer segments (an action, an endpoint or a settings object).</summary>
    private static ObjectRule? ObjectRuleAt(JsonElement root, string[] segments)
    {
        if (segments.Length == 0 || root.ValueKind != JsonValueKind.Array) return null;
        var element = root[int.Parse(segments[0], System.Globalization.CultureInfo.InvariantCulture)];
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("action", out var name) || name.ValueKind != JsonValueKind.String) return null;
        var rule = NccoRuleTable.FindAction(name.GetString()!);
        for (var i = 1; i < segments.Length && rule is not null; i++)
        {
            var property = rule.Find(segments[i]);
            if (property is null || !element.TryGetProperty(segments[i], out element)) return null;
            if (property.ObjectRef == "endpoint")
            {
                if (i + 1 >= segments.Length || element.ValueKind != JsonValueKind.Array) return null;
                element = element[int.Parse(segments[++i], System.Globalization.CultureInfo.InvariantCulture)];
                rule = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                    ? NccoRuleTable.FindEndpoint(type.GetString()!)
                    : null;
            }
            else
            {
                rule = property.ObjectRef is { } reference && element.ValueKind == JsonValueKind.Object ? NccoRuleTable.FindSettings(reference) : null;
            }
        }
        return rule;
    }

    private static void Walk(JsonElement element, ObjectRule rule, HashSet<string> seen)
    {
        foreach (var member in element.EnumerateObject())
        {
            seen.Add($"{rule.Name}.{member.Name}");
            var property = rule.Find(member.Name);
            if (property?.ObjectRef == "endpoint")
            {
                foreach (var endpoint in member.Value.EnumerateArray()) Walk(endpoint, NccoRuleTable.FindEndpoint(endpoint.GetProperty("type").GetString()!)!, seen);
            }
            else if (property?.ObjectRef is { } reference)
            {
                Walk(member.Value, NccoRuleTable.FindSettings(reference)!, seen);
            }
        }
    }
}
