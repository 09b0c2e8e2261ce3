using System.Globalization;
using System.Text;
using System.Text.Json;
using Ncco.Events;
using Ncco.Webhooks;

namespace Ncco.Runtime.Tests.Webhooks;

/// <summary>
/// A GET webhook's query is written into one pooled buffer by a walk over the payload that hands out spans (issue 19:
/// every inbound call's answer webhook built it from a list of pairs and a string per piece); both it and the public
/// <see cref="PayloadJson.ToQuery"/> must give exactly what the straightforward flattening below gives (the rules
/// <see cref="PayloadJson.ToQuery"/> documents, written the obvious way with the parser's strings), escaped and joined.
/// </summary>
public class WebhookQueryTests
{
    private static List<KeyValuePair<string, string>> StraightforwardPairs(byte[] json)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            pairs.Add(new(property.Name, Text(property.Value)));
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) Leaves(property.Name, property.Value);
        }
        return pairs;

        void Leaves(string path, JsonElement value)
        {
            if (value.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in value.EnumerateObject()) Leaves(path + "." + property.Name, property.Value);
            }
            else if (value.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in value.EnumerateArray()) Leaves(path + "." + (i++).ToString(CultureInfo.InvariantCulture), item);
            }
            else
            {
                pairs.Add(new(path, Text(value)));
            }
        }

        static string Text(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Null => "",
            _ => value.GetRawText(),
        };
    }

    private static string Straightforward(byte[] json) =>
        string.Join("&", StraightforwardPairs(json).Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    public static TheoryData<string> Payloads =>
    [
        """{}""",
        """{"uuid":"aaaaaaaa-bbbb-cccc-dddd-0123456789ab","conversation_uuid":"CON-1","from":"447700900000","to":"447700900001","region_url":"https://api-eu-1.vonage.com","custom_data":null}""",
        """{"uuid":"u1","duration":12,"ok":true,"gone":null,"dtmf":{"digits":"42","timed_out":false},"speech":{"results":[{"text":"sales","confidence":"0.9"},{"text":"sails"}],"empty":[]},"headers":{}}""",
        """{"from":"sip:+44 20 7946 0000@example.com;user=phone","timestamp":"2026-12-07T22:00:00.000Z","to":"a&b=c?d#e/f%20g+h~i_j.k-l"}""",
        """{"text":"Zoë says \"hi\"\n\ttab \u00e9 \u65e5\u672c \ud83d\ude00 \\ back","n\u00e4me":"escaped name","naïve":"raw name","a.b":{"c d":[1,2.50,-3e2,[true,false,null]]}}""",
        """{"big":12345678901234567890,"neg":-0.0,"nested":{"deeper":{"deepest":{"x":"y"}}},"list":[[],{},""]}""",
        """{"":"empty name","emptyvalue":"","unicode_only":"\u2603\u2603","sip_headers":{"X-Custom":"v 1","P-Asserted-Identity":"<sip:+1@x>"}}""",
    ];

    [Theory]
    [MemberData(nameof(Payloads))]
    public void The_query_is_exactly_the_straightforward_escaped_join(string payload)
    {
        var json = Encoding.UTF8.GetBytes(payload);

        Assert.Equal(Straightforward(json), WebhookQuery.Build(json));
        Assert.Equal(StraightforwardPairs(json), PayloadJson.ToQuery(json));
    }

    [Fact]
    public void A_long_payload_grows_the_buffers_and_stays_exact()
    {
        var builder = new StringBuilder("{");
        for (var i = 0; i < 200; i++)
        {
            if (i > 0) builder.Append(',');
            builder.Append($"\"field_{i}_{new string('k', i % 70)}\":{{\"v\":\"{new string('ü', i)} &=?\",\"n\":[{i},{i + 1}]}}");
        }
        var json = Encoding.UTF8.GetBytes(builder.Append('}').ToString());

        Assert.Equal(Straightforward(json), WebhookQuery.Build(json));
        Assert.Equal(StraightforwardPairs(json), PayloadJson.ToQuery(json));
    }

    [Fact]
    public void Building_allocates_the_query_string_and_little_else()
    {
        var json = Encoding.UTF8.GetBytes("""{"uuid":"aaaaaaaa-bbbb-cccc-dddd-0123456789ab","conversation_uuid":"CON-aaaaaaaa-bbbb-cccc-dddd-0123456789ab","from":"447700900000","to":"447700900001","region_url":"https://api-eu-1.vonage.com","timestamp":"2026-12-07T22:00:00.000Z"}""");
        var query = WebhookQuery.Build(json);
        var old = Bytes(() => Straightforward(json));

        var bytes = Bytes(() => WebhookQuery.Build(json));

        // The string itself (2 bytes a character) and the parser's document object; the old way was several times that.
        Assert.True(bytes <= (query.Length * 2) + 400, $"{bytes} B to build a {query.Length}-character query (the old way: {old} B)");
        Assert.True(old > bytes * 2, $"the old way allocated {old} B, this {bytes} B");
    }

    private static long Bytes(Func<string> build)
    {
        build();
        const int Rounds = 20;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++) build();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / Rounds;
    }
}
