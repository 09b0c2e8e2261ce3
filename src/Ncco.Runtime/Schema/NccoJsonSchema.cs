using System.Globalization;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ncco.Rules;

namespace Ncco.Schema;

/// <summary>
/// Generates the NCCO JSON Schema (draft 2020-12) from <see cref="NccoRuleTable"/>, so the schema and the validator
/// share one source of truth. The committed copy lives in <c>schemas/ncco.schema.json</c>.
/// </summary>
/// <remarks>
/// <para>
/// The schema has one <c>$defs</c> entry per action (<c>talk</c>, <c>input</c>, …), per endpoint type
/// (<c>phoneEndpoint</c>, <c>appEndpoint</c>, <c>websocketEndpoint</c>, <c>sipEndpoint</c>, <c>vbcEndpoint</c>) and
/// per settings object (<c>dtmfSettings</c>, <c>speechSettings</c>, …), plus the dispatchers <c>action</c> and
/// <c>endpoint</c>. Every property carries the table's description and default; unknown properties are rejected;
/// alias spellings are extra properties that may not appear together with the documented one; numbers and booleans
/// sent as strings are accepted exactly as the validator reads them (ranges included, as generated patterns);
/// formats are patterns; cross-field rules are <c>if</c>/<c>then</c>, <c>dependentRequired</c>, <c>oneOf</c> and
/// <c>not</c>; talk text length with SSML tags excluded is a generated pattern.
/// </para>
/// <para>What the schema cannot check (also in its <c>$comment</c>, see <see cref="Limits"/>):</para>
/// <list type="bullet">
/// <item><c>bargein-sequence</c>: the bargeIn rule relates several array items (the next non-talk/stream action must be input).</item>
/// <item><c>websocket-headers-size</c>: the 512-byte limit of a WebSocket endpoint's serialized <c>headers</c>.</item>
/// <item><c>duplicate-json-members</c>: a member name repeated inside one object (JSON parsers keep only one).</item>
/// <item><c>utf16-length</c>: lengths count UTF-16 code units in the validator, code points in JSON Schema.</item>
/// <item><c>unicode-text</c>: strings and member names must be valid Unicode (no invalid UTF-8 bytes, no unpaired surrogate escape).</item>
/// <item><c>url-syntax</c>: URLs are parsed by System.Uri; the pattern checks scheme, host characters and port digits only.</item>
/// <item><c>decimal-string-rounding</c>: numeric strings are compared after rounding to a double by the validator, exactly by the pattern.</item>
/// </list>
/// </remarks>
public static class NccoJsonSchema
{
    /// <summary>The schema's <c>$id</c>.</summary>
    public const string Id = "urn:ncco:schemas:ncco";

    /// <summary>The JSON Schema dialect.</summary>
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    private const string Ref = "$ref";

    /// <summary>Rules of the validator the schema cannot express exactly; listed in the schema's <c>$comment</c>.</summary>
    public static IReadOnlyList<NccoSchemaLimit> Limits { get; } =
    [
        new("bargein-sequence", "a talk or stream with bargeIn: true must be followed (after further talk/stream actions) by an input action; the rule spans several array items and is checked by the validator only"),
        new("websocket-headers-size", $"a websocket endpoint's headers must serialize to at most {NccoRuleTable.MaxWebSocketHeadersBytes} bytes of JSON; byte size is not expressible"),
        new("duplicate-json-members", "a member name given twice in one object is reported by the validator; JSON parsers used by schema validators keep only one of them"),
        new("utf16-length", "string lengths (talk text, User-to-User, authorization value) are counted in UTF-16 code units by the validator and in code points by JSON Schema; they differ for characters outside the Basic Multilingual Plane"),
        new("unicode-text", "every string and member name must be valid Unicode text: no invalid UTF-8 bytes and no unpaired surrogate escape such as \\ud800; schema validators see strings after a parser decoded them (replacing or keeping such text), so the schema cannot tell"),
        new("url-syntax", "URLs are parsed with System.Uri, which also rejects ports above 65535 and malformed IP literals and tolerates surrounding white space; the schema's pattern checks the scheme, the host characters and the port digits"),
        new("decimal-string-rounding", "numbers sent as strings are compared after rounding to a double by the validator and exactly by the schema's pattern; they differ only within about 1e-15 of a bound"),
    ];

    /// <summary>The <c>$defs</c> name of an action, endpoint (<c>endpoint.phone</c> → <c>phoneEndpoint</c>) or settings rule.</summary>
    internal static string DefinitionName(ObjectRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Name.StartsWith("endpoint.", StringComparison.Ordinal)
            ? rule.Name["endpoint.".Length..] + "Endpoint"
            : rule.Name;
    }

    /// <summary>Generates the schema: deterministic, indented with two spaces, <c>\n</c> line ends, final newline.</summary>
    public static string Generate()
    {
        var defs = new JsonObject
        {
            ["action"] = Dispatcher("An NCCO action; the action property selects its definition.", "action", NccoRuleTable.Actions, r => r.Name),
        };
        foreach (var rule in NccoRuleTable.Actions) defs[DefinitionName(rule)] = ObjectSchema(rule);
        defs["endpoint"] = Dispatcher("A connect endpoint; the type property selects its definition.", "type", NccoRuleTable.Endpoints, r => r.Name["endpoint.".Length..]);
        foreach (var rule in NccoRuleTable.Endpoints) defs[DefinitionName(rule)] = ObjectSchema(rule);
        foreach (var rule in NccoRuleTable.Settings) defs[DefinitionName(rule)] = ObjectSchema(rule);

        var schema = new JsonObject
        {
            ["$schema"] = Dialect,
            ["$id"] = Id,
            ["title"] = "NCCO (Nexmo Call Control Object)",
            ["description"] = "A JSON array of call-control actions run in order. Generated from the Ncco rule table (src/Shared/NccoRules); do not edit by hand.",
            ["$comment"] = "Generated by Ncco.Schema.NccoJsonSchema.Generate(). Rules of the Ncco validator this schema does not check: "
                + string.Join("; ", Limits.Select(l => "[" + l.Id + "] " + l.Description)) + ".",
            ["type"] = "array",
            ["minItems"] = 1,
            ["items"] = new JsonObject { [Ref] = "#/$defs/action" },
            ["$defs"] = defs,
        };

        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            IndentSize = 2,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        return schema.ToJsonString(options) + "\n";
    }

    private static JsonObject Dispatcher(string description, string discriminator, IReadOnlyList<ObjectRule> rules, Func<ObjectRule, string> value)
    {
        var names = new JsonArray();
        var branches = new JsonArray();
        foreach (var rule in rules)
        {
            names.Add(value(rule));
            branches.Add(new JsonObject
            {
                ["if"] = new JsonObject
                {
                    ["required"] = new JsonArray(discriminator),
                    ["properties"] = new JsonObject { [discriminator] = new JsonObject { ["const"] = value(rule) } },
                },
                ["then"] = new JsonObject { [Ref] = "#/$defs/" + DefinitionName(rule) },
            });
        }
        return new JsonObject
        {
            ["description"] = description,
            ["type"] = "object",
            ["required"] = new JsonArray(discriminator),
            ["properties"] = new JsonObject { [discriminator] = new JsonObject { ["enum"] = names } },
            ["allOf"] = branches,
        };
    }

    private static JsonObject ObjectSchema(ObjectRule rule)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        var allOf = new JsonArray();
        foreach (var property in rule.Properties)
        {
            foreach (var spelling in property.AllNames())
            {
                var schema = PropertySchema(property);
                if (spelling != property.Name) schema["description"] = $"Alias of {property.Name} (accepted, not emitted). " + property.Description;
                properties[spelling] = schema;
            }
            if (property.Required)
            {
                if (property.Aliases.Length == 0) required.Add(property.Name);
                else allOf.Add(Present(property));
            }
            var spellings = property.AllNames().ToArray();
            for (var i = 0; i < spellings.Length; i++)
            {
                for (var j = i + 1; j < spellings.Length; j++)
                {
                    allOf.Add(new JsonObject
                    {
                        ["$comment"] = $"{spellings[i]} and {spellings[j]} are two spellings of one property; give it once",
                        ["not"] = new JsonObject { ["required"] = new JsonArray(spellings[i], spellings[j]) },
                    });
                }
            }
        }

        var dependentRequired = new JsonObject();
        foreach (var cross in rule.CrossFieldRules)
        {
            var first = rule.Find(cross.First)!;
            var second = rule.Find(cross.Second)!;
            if (cross.Kind == CrossFieldKind.Requires && cross.Value is null && first.Aliases.Length == 0 && second.Aliases.Length == 0)
            {
                dependentRequired[first.Name] = new JsonArray(second.Name);
                continue;
            }
            allOf.Add(CrossField(rule, cross, first, second));
        }

        var result = new JsonObject
        {
            ["title"] = DefinitionName(rule),
            ["description"] = rule.Description,
            ["type"] = "object",
            ["properties"] = properties,
        };
        if (required.Count > 0) result["required"] = required;
        if (dependentRequired.Count > 0) result["dependentRequired"] = dependentRequired;
        result["additionalProperties"] = false;
        if (allOf.Count > 0) result["allOf"] = allOf;
        return result;
    }

    private static JsonObject PropertySchema(PropertyRule rule)
    {
        var schema = rule.Kind switch
        {
            ValueKind.String => StringSchema(rule, applyLength: true),
            ValueKind.Integer => IntegerSchema(rule),
            ValueKind.Number => NumberSchema(rule),
            ValueKind.Boolean => new JsonObject { ["enum"] = new JsonArray(true, false, "true", "false") },
            ValueKind.Object => ObjectValueSchema(rule),
            _ => ArraySchema(rule),
        };
        var result = new JsonObject { ["description"] = rule.Description };
        if (rule.Default is { } value) result["default"] = DefaultValue(rule.Kind, value);
        foreach (var entry in schema.ToList())
        {
            schema.Remove(entry.Key);
            result[entry.Key] = entry.Value;
        }
        return result;
    }

    private static JsonNode DefaultValue(ValueKind kind, string value) => kind switch
    {
        ValueKind.Integer => JsonValue.Create(long.Parse(value, CultureInfo.InvariantCulture)),
        ValueKind.Number => JsonValue.Create(double.Parse(value, CultureInfo.InvariantCulture)),
        ValueKind.Boolean => JsonValue.Create(value == "true"),
        _ => JsonValue.Create(value),
    };

    private static JsonObject StringSchema(PropertyRule rule, bool applyLength)
    {
        var schema = new JsonObject { ["type"] = "string" };
        if (rule.AllowedValues is { } allowed)
        {
            schema["enum"] = new JsonArray(allowed.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }
        if (applyLength && rule.MinLength is { } min) schema["minLength"] = min;
        if (applyLength && rule.MaxLength is { } max) schema["maxLength"] = max;
        if (rule.Format == ValueFormat.TalkText)
        {
            schema["$comment"] = $"At most {NccoRuleTable.MaxTalkTextLength} characters; in SSML (text starting with <speak) the tags do not count.";
            schema["if"] = new JsonObject { ["pattern"] = SchemaPatterns.SsmlStart };
            schema["then"] = new JsonObject { ["pattern"] = SchemaPatterns.VisibleTextAtMost(NccoRuleTable.MaxTalkTextLength) };
            schema["else"] = new JsonObject { ["maxLength"] = NccoRuleTable.MaxTalkTextLength };
        }
        else if (SchemaPatterns.For(rule.Format) is { } pattern)
        {
            schema["pattern"] = pattern;
        }
        return schema;
    }

    private static JsonObject IntegerSchema(PropertyRule rule)
    {
        var number = new JsonObject { ["type"] = "integer" };
        if (rule.Minimum is { } min) number["minimum"] = min;
        if (rule.Maximum is { } max) number["maximum"] = max;
        var low = rule.Minimum is { } lo ? new BigInteger(Math.Ceiling(lo)) : new BigInteger(long.MinValue);
        var high = rule.Maximum is { } hi ? new BigInteger(Math.Floor(hi)) : new BigInteger(long.MaxValue);
        return new JsonObject
        {
            ["anyOf"] = new JsonArray(
                number,
                new JsonObject
                {
                    ["type"] = "string",
                    ["$comment"] = "A whole number sent as a string (optional sign, digits).",
                    ["pattern"] = SchemaPatterns.IntegerString(low, high),
                }),
        };
    }

    private static JsonObject NumberSchema(PropertyRule rule)
    {
        var number = new JsonObject { ["type"] = "number" };
        if (rule.Minimum is { } min) number["minimum"] = min;
        if (rule.Maximum is { } max) number["maximum"] = max;
        var pattern = rule.Minimum is null && rule.Maximum is null
            ? SchemaPatterns.AnyDecimalString
            : SchemaPatterns.DecimalString(rule.Minimum ?? double.MinValue, rule.Maximum ?? double.MaxValue);
        return new JsonObject
        {
            ["anyOf"] = new JsonArray(
                number,
                new JsonObject
                {
                    ["type"] = "string",
                    ["$comment"] = "A number sent as a string (optional sign, digits, optional decimal point).",
                    ["pattern"] = pattern,
                }),
        };
    }

    private static JsonObject ObjectValueSchema(PropertyRule rule)
    {
        if (rule.ObjectRef is { } reference)
        {
            return new JsonObject { [Ref] = "#/$defs/" + DefinitionName(NccoRuleTable.FindSettings(reference)!) };
        }
        var schema = new JsonObject { ["type"] = "object" };
        if (rule.StringValuesOnly) schema["additionalProperties"] = new JsonObject { ["type"] = "string" };
        if (rule.MaxLength is { } bytes) schema["$comment"] = $"At most {bytes} bytes of JSON (not checked by this schema: [websocket-headers-size]).";
        return schema;
    }

    private static JsonObject ArraySchema(PropertyRule rule)
    {
        var schema = new JsonObject { ["type"] = "array" };
        if (rule.MinLength is { } min) schema["minItems"] = min;
        if (rule.MaxLength is { } max) schema["maxItems"] = max;
        if (rule.UniqueItems) schema["uniqueItems"] = true;
        if (rule.Items == ValueKind.String) schema["items"] = StringSchema(rule, applyLength: false);
        else if (rule.ObjectRef == "endpoint") schema["items"] = new JsonObject { [Ref] = "#/$defs/endpoint" };
        return schema;
    }

    private static JsonObject CrossField(ObjectRule owner, CrossFieldRule rule, PropertyRule first, PropertyRule second)
    {
        var result = new JsonObject { ["$comment"] = rule.Message };
        switch (rule.Kind)
        {
            case CrossFieldKind.Conflict:
                result["not"] = AllOf(Present(first), Present(second), rule.Value is null ? null : ValueIs(first, rule.Value));
                break;
            case CrossFieldKind.Requires:
                result["if"] = Present(first);
                result["then"] = AllOf(Present(second), rule.Value is null ? null : ValueIs(second, rule.Value));
                break;
            case CrossFieldKind.RequiredWhen:
                result["if"] = AllOf(Present(first), ValueIs(first, rule.Value!));
                result["then"] = Present(second);
                break;
            case CrossFieldKind.RequiresItem:
                result["if"] = AllOf(Present(first), Present(second), ForAll(second, new JsonObject { ["type"] = "array" }));
                result["then"] = ForAll(second, new JsonObject { ["contains"] = new JsonObject { ["const"] = rule.Value } });
                break;
            case CrossFieldKind.ForbiddenWhen:
                result["not"] = AllOf(Present(first), ValueIs(first, rule.Value!), Present(second));
                break;
            case CrossFieldKind.OnlyItemWhen:
                result["if"] = AllOf(Present(first), ValueIs(first, rule.Value!), Present(second));
                result["then"] = ForAll(second, new JsonObject { ["items"] = new JsonObject { ["const"] = rule.Item } });
                break;
            case CrossFieldKind.ExactlyOne:
                result["oneOf"] = new JsonArray(Present(first), Present(second));
                break;
            case CrossFieldKind.TtsStyle:
                result["allOf"] = TtsStyles(owner, first, second);
                break;
        }
        return result;
    }

    /// <summary>
    /// One branch per group of languages with the same standard and premium styles: the style (0 when absent) must be a
    /// standard style, or a premium style when premium is true. Without a language the default en-US applies.
    /// </summary>
    private static JsonArray TtsStyles(ObjectRule owner, PropertyRule language, PropertyRule style)
    {
        var premium = owner.Find("premium")!;
        var groups = new List<(int[] Standard, int[] Premium, List<string> Codes)>();
        foreach (var code in TtsLanguages.Codes)
        {
            var standard = TtsLanguages.StandardStyles(code);
            var premiumStyles = TtsLanguages.PremiumStyles(code);
            var group = groups.FirstOrDefault(g => g.Standard.SequenceEqual(standard) && g.Premium.SequenceEqual(premiumStyles));
            if (group.Codes is null) groups.Add((standard, premiumStyles, [code]));
            else group.Codes.Add(code);
        }

        var branches = new JsonArray();
        foreach (var (standard, premiumStyles, codes) in groups)
        {
            var condition = AllOf(Present(language), ForAll(language, new JsonObject { ["pattern"] = SchemaPatterns.AnyOf(codes) }));
            if (codes.Contains("en-US")) condition = new JsonObject { ["anyOf"] = new JsonArray(condition, new JsonObject { ["not"] = Present(language) }) };
            branches.Add(new JsonObject
            {
                ["$comment"] = $"{string.Join(", ", codes)}: standard styles [{string.Join(",", standard)}], premium styles [{string.Join(",", premiumStyles)}]",
                ["if"] = condition,
                ["then"] = new JsonObject
                {
                    ["if"] = AllOf(Present(premium), ValueIs(premium, "true")),
                    ["then"] = StyleIn(style, standard.Union(premiumStyles).Order().ToArray()),
                    ["else"] = StyleIn(style, standard),
                },
            });
        }
        return branches;
    }

    private static JsonNode StyleIn(PropertyRule style, int[] styles)
    {
        if (styles.Length == 0) return false;
        var values = new JsonObject
        {
            ["anyOf"] = new JsonArray(
                new JsonObject { ["enum"] = new JsonArray(styles.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()) },
                new JsonObject
                {
                    ["type"] = "string",
                    ["pattern"] = "^[+-]?0*(?:" + string.Join("|", styles.Select(s => s == 0 ? "0" : s.ToString(CultureInfo.InvariantCulture))) + ")$",
                }),
        };
        var result = ForAll(style, values);
        if (Array.IndexOf(styles, 0) < 0) result = AllOf(Present(style), result);
        return result;
    }

    /// <summary>The property is present, under any of its spellings.</summary>
    private static JsonObject Present(PropertyRule property)
    {
        if (property.Aliases.Length == 0) return new JsonObject { ["required"] = new JsonArray(property.Name) };
        var any = new JsonArray();
        foreach (var spelling in property.AllNames()) any.Add(new JsonObject { ["required"] = new JsonArray(spelling) });
        return new JsonObject { ["anyOf"] = any };
    }

    /// <summary>The property, under whichever spelling is present, equals a table value (booleans read leniently).</summary>
    private static JsonObject ValueIs(PropertyRule property, string value) =>
        ForAll(property, value is "true" or "false"
            ? new JsonObject { ["enum"] = new JsonArray(value == "true", value) }
            : new JsonObject { ["const"] = value });

    private static JsonObject ForAll(PropertyRule property, JsonObject schema)
    {
        var properties = new JsonObject();
        foreach (var spelling in property.AllNames()) properties[spelling] = schema.DeepClone();
        return new JsonObject { ["properties"] = properties };
    }

    private static JsonObject AllOf(params JsonObject?[] parts)
    {
        var present = parts.Where(p => p is not null).ToArray();
        if (present.Length == 1) return present[0]!;
        return new JsonObject { ["allOf"] = new JsonArray(present.Select(p => (JsonNode?)p).ToArray()) };
    }
}
