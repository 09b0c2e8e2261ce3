using System.Text;
using System.Text.Json;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;

namespace Ncco.Runtime.Tests.Serialization;

/// <summary>
/// Free-form JSON of a parsed NCCO (payloads, provider options, WebSocket headers, custom actions) is kept as its text
/// and parsed on first read (issue 19): every read, comparison and write must be what an eagerly parsed value gave.
/// </summary>
public class DeferredJsonValueTests
{
    private const string Ncco = """
        [
          {"action":"notify","payload":{ "step" : "menu-done", "attempt": 1, "tags": ["a", "\u00e9"] },"eventUrl":["https://example.com/n"]},
          {"action":"talk","text":"hi","provider":"acme","providerOptions":{"voice":"x","rate":1.5}},
          {"action":"connect","endpoint":[{"type":"websocket","uri":"wss://example.com/s","content-type":"audio/l16;rate=16000","headers":{"caller":"447700900000","n":null}}]}
        ]
        """;

    private static JsonValue[] ValuesOf(NccoDocument d) =>
    [
        ((NotifyAction)d.Actions[0]).Payload,
        ((TalkAction)d.Actions[1]).ProviderOptions!.Value,
        ((WebSocketEndpoint)((ConnectAction)d.Actions[2]).Endpoint).Headers!.Value,
    ];

    private static readonly string[] RawTexts =
    [
        """{ "step" : "menu-done", "attempt": 1, "tags": ["a", "\u00e9"] }""",
        """{"voice":"x","rate":1.5}""",
        """{"caller":"447700900000","n":null}""",
    ];

    [Fact]
    public void A_parsed_value_is_held_as_text_until_read_and_then_reads_as_the_eager_parse_did()
    {
        var values = ValuesOf(NccoDocument.Parse(Ncco));
        for (var i = 0; i < values.Length; i++)
        {
            var eager = JsonValue.Parse(RawTexts[i]);
            Assert.True(values[i].IsDeferred);
            Assert.Equal(JsonValueKind.Object, values[i].ValueKind);
            Assert.True(values[i].IsDeferred);
            Assert.Equal(eager.Element.GetRawText(), values[i].Element.GetRawText());
            Assert.False(values[i].IsDeferred);
            Assert.Equal(eager.ToString(), values[i].ToString());
            Assert.True(JsonElement.DeepEquals(eager.Element, values[i].Element));
            Assert.Equal(Write(eager), Write(values[i]));
        }
        Assert.Equal("é", ValuesOf(NccoDocument.Parse(Ncco))[0].Element.GetProperty("tags")[1].GetString());
    }

    [Fact]
    public void Held_and_parsed_values_compare_and_hash_alike_in_every_combination()
    {
        foreach (var readFirst in new[] { false, true })
        {
            var held = ValuesOf(NccoDocument.Parse(Ncco));
            var other = ValuesOf(NccoDocument.Parse(Ncco));
            if (readFirst) _ = other.Select(v => v.Element.ValueKind).ToList();
            for (var i = 0; i < held.Length; i++)
            {
                var eager = JsonValue.Parse(RawTexts[i]);
                Assert.Equal(eager, held[i]);
                Assert.Equal(held[i], eager);
                Assert.Equal(other[i], held[i]);
                Assert.Equal(eager.GetHashCode(), held[i].GetHashCode());
            }
        }
        Assert.Equal(NccoDocument.Parse(Ncco), NccoDocument.Parse(Ncco));
        // Different white space is the same value; a different member value is not.
        var spaced = (NotifyAction)NccoDocument.Parse("""[{"action":"notify","payload":{"a": 1},"eventUrl":["https://example.com/n"]}]""").Actions[0];
        var tight = (NotifyAction)NccoDocument.Parse("""[{"action":"notify","payload":{"a":1},"eventUrl":["https://example.com/n"]}]""").Actions[0];
        var changed = (NotifyAction)NccoDocument.Parse("""[{"action":"notify","payload":{"a":2},"eventUrl":["https://example.com/n"]}]""").Actions[0];
        Assert.Equal(tight, spaced);
        Assert.NotEqual(tight, changed);
        Assert.NotEqual(tight.Payload, changed.Payload);
    }

    [Fact]
    public void A_document_with_held_values_writes_and_round_trips_as_before()
    {
        var document = NccoDocument.Parse(Ncco);
        var json = document.ToJson();
        Assert.Contains("\"payload\":{\"step\":\"menu-done\",\"attempt\":1,\"tags\":[\"a\",\"\\u00E9\"]}", json, StringComparison.Ordinal);
        Assert.Equal(document, NccoDocument.Parse(json));
        var custom = NccoDocument.Parse("""[{"action":"ring","times":3}]""", new Ncco.Validation.NccoValidationOptions { CustomActions = new HashSet<string> { "ring" } });
        var ring = Assert.IsType<CustomAction>(custom.Actions[0]);
        Assert.True(ring.Json.IsDeferred);
        Assert.Equal(3, ring.Json.Element.GetProperty("times").GetInt32());
    }

    [Fact]
    public void Concurrent_first_reads_see_one_parsed_value()
    {
        for (var round = 0; round < 200; round++)
        {
            var payload = ((NotifyAction)NccoDocument.Parse(Ncco).Actions[0]).Payload;
            var texts = new string[4];
            Parallel.For(0, texts.Length, i => texts[i] = payload.Element.GetProperty("step").GetString()!);
            Assert.All(texts, t => Assert.Equal("menu-done", t));
        }
    }

    [Fact]
    public void The_default_value_stays_undefined()
    {
        var value = default(JsonValue);
        Assert.Equal(JsonValueKind.Undefined, value.ValueKind);
        Assert.Equal(JsonValueKind.Undefined, value.Element.ValueKind);
        Assert.Equal(string.Empty, value.ToString());
        Assert.Equal(JsonValueKind.Undefined, new JsonValue(default).ValueKind);
    }

    private static string Write(JsonValue value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) value.WriteTo(writer);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
