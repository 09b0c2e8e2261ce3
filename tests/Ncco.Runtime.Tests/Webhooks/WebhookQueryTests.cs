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

    private static long BytesPer(Action build) => Bytes(() =>
    {
        build();
        return "";
    });

    public static TheoryData<string> Addresses =>
    [
        "http://127.0.0.1:29400/answer",
        "http://127.0.0.1/answer",
        "http://example.com",
        "http://Example.COM:80/Answer",
        "https://example.com:443/a/b/",
        "https://example.com:8443/webhooks/answer?app=1&x=a%20b",
        "https://example.com/answer?",
        "https://example.com/a%20b/c d/é",
        "http://[::1]:8080/answer",
        "http://bücher.example/answer?q=ü",
        "http://example.com/answer#frag",
        "http://example.com/answer?a=1#frag",
    ];

    /// <summary>A GET webhook's address is the one the <see cref="UriBuilder"/> way gave, for every address shape and
    /// payload: the same absolute text, and the same parts HttpClient sends (host, port, path and query).</summary>
    [Theory]
    [MemberData(nameof(Addresses))]
    public void The_address_with_the_query_is_the_one_the_builder_gave(string address)
    {
        foreach (var payload in (string[])["{}", """{"uuid":"u-1","to":"447700900001"}""", """{"a":{"b":[1,"x y"]},"n":null,"e":"é&=?#"}"""])
        {
            var json = Encoding.UTF8.GetBytes(payload);
            var uri = new Uri(address);
            var builder = new UriBuilder(uri);
            var query = Straightforward(json);
            builder.Query = string.IsNullOrEmpty(builder.Query) ? query : builder.Query.TrimStart('?') + "&" + query;
            var expected = builder.Uri;

            var actual = WebhookQuery.AppendTo(uri, json);

            Assert.Equal(expected.AbsoluteUri, actual.AbsoluteUri);
            Assert.Equal(expected.ToString(), actual.ToString());
            Assert.Equal(expected.IdnHost, actual.IdnHost);
            Assert.Equal(expected.Port, actual.Port);
            Assert.Equal(expected.PathAndQuery, actual.PathAndQuery);
            Assert.Equal(expected.Query, actual.Query);
            Assert.Equal(expected.Fragment, actual.Fragment);
        }
    }

    [Fact]
    public void Adding_the_query_to_the_address_allocates_less_than_the_builder_did()
    {
        var json = Encoding.UTF8.GetBytes("""{"uuid":"aaaaaaaa-bbbb-cccc-dddd-0123456789ab","conversation_uuid":"CON-aaaaaaaa-bbbb-cccc-dddd-0123456789ab","from":"447700900000","to":"447700900001","region_url":"https://api-eu-1.vonage.com","custom_data":null}""");
        var uri = new Uri("http://127.0.0.1:29400/answer");
        _ = uri.AbsoluteUri;
        var builderWay = BytesPer(() =>
        {
            var builder = new UriBuilder(uri);
            var query = WebhookQuery.Build(json);
            builder.Query = string.IsNullOrEmpty(builder.Query) ? query : builder.Query.TrimStart('?') + "&" + query;
            _ = builder.Uri;
        });
        var direct = BytesPer(() => WebhookQuery.AppendTo(uri, json));

        Assert.True(direct * 10 < builderWay * 7, $"{direct} B per address, {builderWay} B the builder's way");
    }
}
