using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Ncco.Rules;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Validation;

/// <summary>
/// The validator and the reader agree on every numeric property of the rule table: every value the validator accepts
/// binds to the typed model unchanged (written back, it is the same number, or the documented default when it is
/// one), and every value outside the table's range is an error that names the property's pointer — never an overflow.
/// </summary>
public class NumericAgreementTests
{
    /// <summary>Each numeric property of the table, with a valid corpus NCCO that uses it and the property's pointer there.</summary>
    private static readonly Lazy<Dictionary<string, (PropertyRule Rule, string File, string[] Path)>> Hosts = new(FindHosts);

    public static TheoryData<string> NumericProperties => new(Hosts.Value.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(NumericProperties))]
    public void Validator_and_reader_agree_on_every_value(string property)
    {
        var (rule, file, path) = Hosts.Value[property];
        var accepted = 0;
        Prop.ForAll(Arb.From(Values(rule)), candidate =>
        {
            if (Check(rule, file, path, candidate)) accepted++;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
        // The generator aims at the bounds: some values must have landed inside (style depends on the language too).
        Assert.True(accepted > 0 || property == "talk.style", $"no generated value of {property} was accepted");
    }

    [Theory]
    [InlineData("2147483648")]
    [InlineData("\"2147483648\"")]
    [InlineData("9223372036854775808")]
    [InlineData("-1")]
    public void Stream_loop_out_of_range_is_an_error_not_an_overflow(string loop)
    {
        var result = NccoParser.Parse($$"""[{"action":"stream","streamUrl":["https://example.com/a.mp3"],"loop":{{loop}}}]""");
        var error = Assert.Single(result.Errors);
        Assert.Equal("/0/loop", error.Pointer);
        Assert.Contains(error.Code, new[] { NccoErrorCodes.Range, NccoErrorCodes.Type });
    }

    [Fact]
    public void Largest_whole_number_binds()
    {
        var result = NccoParser.Parse("""[{"action":"stream","streamUrl":["https://example.com/a.mp3"],"loop":2147483647}]""");
        Assert.Equal(int.MaxValue, Assert.IsType<Model.Actions.StreamAction>(result.GetDocumentOrThrow().Actions[0]).Loop);
    }

    /// <summary>Returns whether the validator accepted the NCCO; asserts the agreement either way.</summary>
    private static bool Check(PropertyRule rule, string file, string[] path, Candidate candidate)
    {
        var ncco = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "corpus", "valid", file)))!;
        var pointer = "/" + string.Join("/", path);
        Parent(ncco, path)[path[^1]] = JsonNode.Parse(candidate.Json);
        var json = ncco.ToJsonString();

        var result = NccoParser.Parse(json);
        var here = result.Errors.Where(e => e.Pointer == pointer).ToList();
        if (candidate.InRange(rule))
        {
            // Other rules may still apply (a talk style must exist for the language); the bounds and type must not.
            var bounds = here.Where(e => e.Code is NccoErrorCodes.Range or NccoErrorCodes.Type && e.Message.StartsWith("must be", StringComparison.Ordinal)).ToList();
            Assert.True(bounds.Count == 0, $"{pointer} = {candidate.Json} is in range but the validator says: {string.Join("; ", bounds)}");
        }
        else
        {
            Assert.True(here.Any(e => e.Code is NccoErrorCodes.Range or NccoErrorCodes.Type),
                $"{pointer} = {candidate.Json} is out of range but the validator reports [{string.Join("; ", result.Errors)}]");
        }
        if (!result.IsValid) return false;

        // Accepted: the reader bound it. Written back, it is the same number (or absent, being the default).
        using var written = JsonDocument.Parse(NccoWriter.Write(result.Document!));
        var bound = Find(written.RootElement, path);
        var expected = candidate.Value;
        var actual = bound is { } element ? element.GetDouble() : double.Parse(rule.Default!, CultureInfo.InvariantCulture);
        Assert.True(actual == expected, $"{pointer} = {candidate.Json} was accepted but bound as {actual}");
        return true;
    }

    private static JsonObject Parent(JsonNode root, string[] path)
    {
        var node = root;
        foreach (var segment in path[..^1])
        {
            node = int.TryParse(segment, out var index) ? node[index]! : node[segment]!;
        }
        return node.AsObject();
    }

    private static JsonElement? Find(JsonElement root, string[] path)
    {
        var element = root;
        foreach (var segment in path)
        {
            if (int.TryParse(segment, out var index)) element = element[index];
            else if (!element.TryGetProperty(segment, out element)) return null;
        }
        return element;
    }

    /// <summary>Numbers around the bounds, the 32- and 64-bit limits, fractions, and any size; as JSON numbers or strings.</summary>
    private static Gen<Candidate> Values(PropertyRule rule)
    {
        var min = rule.Minimum ?? -1e6;
        var max = rule.Maximum ?? 1e6;
        var near = Gen.Choose(-3, 3).SelectMany(delta => Gen.Elements(min, max).Select(bound => bound + delta));
        var fractions = Gen.Choose(-40, 40).SelectMany(tenths => Gen.Elements(min, max, (min + max) / 2).Select(bound => bound + tenths / 10.0));
        var limits = Gen.Elements(2147483647.0, 2147483648.0, -2147483648.0, -2147483649.0, 9007199254740993.0, 1e15, 1e300, -1e300);
        var any = Gen.Choose(int.MinValue, int.MaxValue).Select(i => (double)i);
        var number = Gen.Frequency((4, near), (3, fractions), (2, limits), (1, any));
        return number.SelectMany(value => Gen.Elements(false, true).Select(asString => new Candidate(value, asString, rule.Kind == ValueKind.Integer)));
    }

    private static Dictionary<string, (PropertyRule, string, string[])> FindHosts()
    {
        var hosts = new Dictionary<string, (PropertyRule, string, string[])>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "corpus", "valid"), "*.json").Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var index = 0;
            foreach (var action in document.RootElement.EnumerateArray())
            {
                Walk(action, NccoRuleTable.FindAction(action.GetProperty("action").GetString()!)!, [index++.ToString(CultureInfo.InvariantCulture)], Path.GetFileName(path), hosts);
            }
        }
        var numeric = NccoRuleTable.Actions.Concat(NccoRuleTable.Endpoints).Concat(NccoRuleTable.Settings)
            .SelectMany(r => r.Properties.Where(p => p.Kind is ValueKind.Integer or ValueKind.Number).Select(p => r.Name + "." + p.Name));
        var missing = numeric.Where(name => !hosts.ContainsKey(name)).ToList();
        Assert.True(missing.Count == 0, "numeric properties no valid corpus NCCO uses: " + string.Join(", ", missing));
        return hosts;
    }

    private static void Walk(JsonElement element, ObjectRule rule, string[] path, string file, Dictionary<string, (PropertyRule, string, string[])> hosts)
    {
        foreach (var member in element.EnumerateObject())
        {
            // Documented spellings only: the writer emits those, so the bound value is found where it was put.
            var property = rule.Find(member.Name);
            if (property is null || property.Name != member.Name) continue;
            string[] here = [.. path, member.Name];
            if (property.Kind is ValueKind.Integer or ValueKind.Number) hosts.TryAdd(rule.Name + "." + property.Name, (property, file, here));
            if (property.ObjectRef == "endpoint")
            {
                var i = 0;
                foreach (var endpoint in member.Value.EnumerateArray())
                {
                    Walk(endpoint, NccoRuleTable.FindEndpoint(endpoint.GetProperty("type").GetString()!)!, [.. here, i++.ToString(CultureInfo.InvariantCulture)], file, hosts);
                }
            }
            else if (property.ObjectRef is { } reference)
            {
                Walk(member.Value, NccoRuleTable.FindSettings(reference)!, here, file, hosts);
            }
        }
    }

    /// <summary>A value to try, written as a JSON number or as a string (which the lenient readers also accept).</summary>
    private sealed record Candidate(double Value, bool AsString, bool Whole)
    {
        /// <summary>The JSON text. Strings hold what older SDKs send: digits for whole numbers, plain decimals otherwise.</summary>
        public string Json
        {
            get
            {
                var text = Value.ToString("R", CultureInfo.InvariantCulture);
                if (!AsString || text.Contains('E', StringComparison.Ordinal)) return text;
                return "\"" + (Whole && Value == Math.Floor(Value) && Math.Abs(Value) < 1e15 ? Value.ToString("F0", CultureInfo.InvariantCulture) : text) + "\"";
            }
        }

        /// <summary>Whether the rule accepts the value: within the bounds, and whole where it must be.</summary>
        public bool InRange(PropertyRule rule) =>
            (rule.Minimum is not { } min || Value >= min) && (rule.Maximum is not { } max || Value <= max)
            && (!Whole || Value == Math.Floor(Value) && !(Json.StartsWith('"') && Json.Contains('.', StringComparison.Ordinal)));
    }
}
