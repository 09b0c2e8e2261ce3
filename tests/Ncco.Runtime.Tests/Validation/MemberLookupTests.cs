using System.Text;
using System.Text.Json;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Serialization;
using Ncco.Validation;
using Ncco.Validation.Tokens;

namespace Ncco.Runtime.Tests.Validation;

/// <summary>
/// Member lookups by name (the checker's <c>TryGetMember</c>, the reader's fields) held to what <see cref="JsonDocument"/>
/// finds — the last member of a repeated name, the first when asked — over objects with repeated, escaped, colliding and
/// unknown names in every order, read by the scan and by the reader: the behaviour any faster lookup must keep.
/// </summary>
public class MemberLookupTests
{
    // Names as written in JSON: repeats, escapes of the same text, names sharing a bucket (length, first and last byte)
    // without being equal, the empty name and non-ASCII.
    private static readonly string[] Written =
    [
        "action", "\\u0061ction", "acti\\u006fn", "text", "tezt", "t\\u0065xt", "loop", "level", "", "a", "b", "ab",
        "é", "\\u00e9", "bargeIn", "bargein", "unknownThing",
    ];

    // What is looked up: each decoded name, and names absent from every object.
    private static readonly string[] Sought = ["action", "text", "tezt", "loop", "level", "", "a", "b", "ab", "é", "bargeIn", "bargein", "unknownThing", "missing", "tex"];

    [Fact]
    public void Lookups_find_what_JsonDocument_finds_in_random_objects()
    {
        var random = new Random(19);
        var cases = 0;
        for (var n = 0; n < 3000; n++)
        {
            var members = random.Next(0, 9);
            var json = new StringBuilder("{");
            for (var m = 0; m < members; m++)
            {
                if (m > 0) json.Append(',');
                json.Append('"').Append(Written[random.Next(Written.Length)]).Append("\":").Append(m);
            }
            json.Append('}');
            cases += CheckLookups(json.ToString());
        }
        Assert.True(cases > 50_000, $"only {cases} lookups");
    }

    [Theory]
    [InlineData("""{"text":1,"text":2}""")]
    [InlineData("""{"text":1,"loop":2,"text":3}""")]
    [InlineData("""{"t\u0065xt":1,"text":2}""")]
    [InlineData("""{"text":1,"t\u0065xt":2}""")]
    [InlineData("""{"tezt":1,"text":2,"tezt":3}""")]
    [InlineData("""{"":1,"":2}""")]
    [InlineData("""{"a":1,"b":2,"a":3,"b":4}""")]
    [InlineData("""{"action":1,"\u0061ction":2,"acti\u006fn":3}""")]
    public void The_last_of_a_repeated_name_is_found(string json) => CheckLookups(json);

    [Fact]
    public void A_repeated_action_name_of_a_custom_action_binds_the_last()
    {
        // A custom action's members are not checked, so its name may repeat: the last names the action, as before.
        var options = new NccoValidationOptions { CustomActions = new HashSet<string>(StringComparer.Ordinal) { "mine" } };
        var custom = Assert.IsType<CustomAction>(Assert.Single(NccoDocument.Parse("""[{"action":"talk","x":1,"action":"mine"}]""", options).Actions));
        Assert.Equal("mine", custom.ActionName);
        var escaped = Assert.IsType<CustomAction>(Assert.Single(NccoDocument.Parse("""[{"action":"talk","\u0061ction":"mine"}]""", options).Actions));
        Assert.Equal("mine", escaped.ActionName);
    }

    [Fact]
    public void A_repeated_property_is_still_reported_and_not_bound()
    {
        var result = NccoParser.Parse("""[{"action":"talk","text":"one","loop":2,"text":"two"}]""");
        Assert.Null(result.Document);
        var error = Assert.Single(result.Errors);
        Assert.Equal("/0/text", error.Pointer);
        Assert.Contains("repeats", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Members_in_any_order_with_unknown_and_escaped_names_bind_as_in_order()
    {
        var expected = Assert.IsType<TalkAction>(Assert.Single(NccoDocument.Parse("""[{"action":"talk","text":"hi","loop":2,"level":0.5,"premium":true}]""").Actions));
        string[] shuffled =
        [
            """[{"premium":true,"level":0.5,"loop":2,"text":"hi","action":"talk"}]""",
            """[{"x":1,"level":0.5,"y":{"text":"no"},"text":"hi","loop":2,"premium":true,"action":"talk","z":[1]}]""",
            """[{"l\u006fop":2,"\u0061ction":"talk","text":"hi","level":0.5,"pr\u0065mium":true}]""",
        ];
        foreach (var json in shuffled)
        {
            var result = NccoParser.Parse(json);
            Assert.Empty(result.Errors);
            Assert.Equal(expected, Assert.Single(result.Document!.Actions));
        }
    }

    [Fact]
    public void A_huge_object_finds_its_first_and_last_members()
    {
        var json = new StringBuilder("""[{"action":"mine",""");
        for (var i = 0; i < 20_000; i++) json.Append("\"m").Append(i).Append("\":").Append(i).Append(',');
        json.Append("\"m0\":\"last\"}]");
        CheckLookupsIn(json.ToString(), 1, ["action", "m0", "m1", "m19999", "m20000"]);
        var options = new NccoValidationOptions { CustomActions = new HashSet<string>(StringComparer.Ordinal) { "mine" } };
        var custom = Assert.IsType<CustomAction>(Assert.Single(NccoDocument.Parse(json.ToString(), options).Actions));
        Assert.Equal("last", custom.Json.Element.EnumerateObject().Last(p => p.NameEquals("m0")).Value.GetString());
    }

    [Theory]
    [InlineData("""{"text":1,"text":2""")]
    [InlineData("""{"text":1,,"text":2}""")]
    [InlineData("""{"text":1,"text":2}}""")]
    public void Invalid_json_is_an_error_not_a_lookup(string json)
    {
        var errors = NccoValidator.Validate("[" + json + "]");
        Assert.Equal(NccoErrorCodes.InvalidJson, Assert.Single(errors).Code);
    }

    private static readonly Func<ReadOnlyMemory<byte>, NccoTokens>[] Readers = [NccoTokens.Read, NccoTokens.ReadByReader];

    private static int CheckLookups(string json) => CheckLookupsIn(json, 0, Sought);

    // Every sought name looked up in the object at token `node`, against JsonDocument's own enumeration.
    private static int CheckLookupsIn(string json, int node, string[] sought)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        using var document = JsonDocument.Parse(bytes);
        var element = node == 0 ? document.RootElement : document.RootElement[0];
        var lookups = 0;
        foreach (var read in Readers)
        {
            using var tokens = read(bytes);
            foreach (var name in sought)
            {
                var utf8 = Encoding.UTF8.GetBytes(name);
                var matches = element.EnumerateObject().Where(p => p.NameEquals(name)).Select(p => p.Value.GetRawText()).ToList();
                Assert.Equal(matches.LastOrDefault(), Found(tokens, tokens.FindMember(node, utf8, last: true)));
                Assert.Equal(matches.FirstOrDefault(), Found(tokens, tokens.FindMember(node, utf8, last: false)));
                var found = new NccoNode(tokens, node).TryGetProperty(utf8, out var value);
                Assert.Equal(matches.LastOrDefault(), found ? Encoding.UTF8.GetString(tokens.RawValue(value.Index)) : null);
                lookups++;
            }
        }
        return lookups;
    }

    private static string? Found(NccoTokens tokens, int member) => member < 0 ? null : Encoding.UTF8.GetString(tokens.RawValue(member + 1));
}
