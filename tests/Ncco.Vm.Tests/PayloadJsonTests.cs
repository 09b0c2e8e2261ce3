using System.Reflection;
using System.Text;
using System.Text.Json;
using Ncco.Events;

namespace Ncco.Vm.Tests;

/// <summary>
/// The webhook payloads are written by source-generated (and, for the answer request, hand-written) serializers; the
/// bytes must stay exactly what the records' attributes say, for every field of every payload.
/// </summary>
public class PayloadJsonTests
{
    public static TheoryData<string> PayloadTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(WebhookPayload).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(WebhookPayload)) && !t.IsAbstract))
            data.Add(type.Name);
        return data;
    }

    [Fact]
    public void A_GET_query_has_each_nested_field_as_json_and_as_dotted_leaves()
    {
        var json = """
            {"uuid":"u1","duration":12,"ok":true,"gone":null,"dtmf":{"digits":"42","timed_out":false},
             "speech":{"results":[{"text":"sales","confidence":"0.9"},{"text":"sails"}],"empty":[]},"headers":{}}
            """u8;
        var query = PayloadJson.ToQuery(json).Select(p => p.Key + "=" + p.Value).ToList();
        Assert.Equal(
        [
            "uuid=u1", "duration=12", "ok=true", "gone=",
            """dtmf={"digits":"42","timed_out":false}""", "dtmf.digits=42", "dtmf.timed_out=false",
            """speech={"results":[{"text":"sales","confidence":"0.9"},{"text":"sails"}],"empty":[]}""",
            "speech.results.0.text=sales", "speech.results.0.confidence=0.9", "speech.results.1.text=sails",
            "headers={}",
        ], query);
    }

    [Theory]
    [MemberData(nameof(PayloadTypes))]
    public void Every_field_is_written_as_the_attributes_say(string typeName)
    {
        var type = typeof(WebhookPayload).Assembly.GetTypes().Single(t => t.Name == typeName && t.IsSubclassOf(typeof(WebhookPayload)));
        var full = (WebhookPayload)Fill(type);
        var sparse = (WebhookPayload)Fill(type, requiredOnly: true);

        foreach (var payload in new[] { full, sparse })
        {
            var expected = Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(payload, type, PayloadJson.Options));
            Assert.Equal(expected, Encoding.UTF8.GetString(PayloadJson.Serialize(payload)));
        }
        // The filled payload really has every property on the wire (so the comparison above covers them all).
        using var document = JsonDocument.Parse(PayloadJson.Serialize(full));
        foreach (var property in type.GetProperties().Where(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>() is not null))
            Assert.True(document.RootElement.TryGetProperty(property.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()!.Name, out _), property.Name);
    }

    [Fact]
    public void Text_is_not_escaped_beyond_what_JSON_needs()
    {
        var json = Encoding.UTF8.GetString(PayloadJson.Serialize(new CallStatusEvent
        {
            ConversationUuid = "CON-1", Status = "ringing", Direction = "inbound", From = "Zoë <+44> & \"co\"",
        }));

        Assert.Contains("\"from\":\"Zoë <+44> & \\\"co\\\"\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Sip_headers_of_an_answer_request_are_top_level_fields()
    {
        var json = Encoding.UTF8.GetString(PayloadJson.Serialize(new AnswerRequest
        {
            To = "442079460000", Uuid = "u1", ConversationUuid = "CON-1",
            SipHeaders = new() { ["SipHeader_X-Account"] = JsonDocument.Parse("\"42\"").RootElement.Clone() },
        }));

        Assert.Equal("""{"to":"442079460000","uuid":"u1","conversation_uuid":"CON-1","SipHeader_X-Account":"42"}""", json);
    }

    [Theory]
    [InlineData(nameof(CallStatusEvent))]
    [InlineData(nameof(AnswerRequest))]
    public void Serializing_a_payload_allocates_little_beyond_the_bytes_it_returns(string typeName)
    {
        // Webhook payloads are written several times per call at setup and teardown (issue 19): the JSON is built in a
        // pooled buffer, so what stays allocated is the returned array and the writer. (Before, the growing buffer left
        // 3-5 KB of discarded arrays per payload.) A bound in bytes, not a timing.
        var type = typeof(WebhookPayload).Assembly.GetTypes().Single(t => t.Name == typeName && t.IsSubclassOf(typeof(WebhookPayload)));
        var payload = (WebhookPayload)Fill(type);
        var length = PayloadJson.Serialize(payload).Length;
        const int Rounds = 20;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++) PayloadJson.Serialize(payload);
        var perPayload = (GC.GetAllocatedBytesForCurrentThread() - before) / Rounds;
        Assert.True(perPayload <= length + 32 + 512, $"{perPayload} bytes allocated per {length}-byte payload");
    }

    private static object Fill(Type type, bool requiredOnly = false)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            if (requiredOnly && property.GetCustomAttribute<System.Runtime.CompilerServices.RequiredMemberAttribute>() is null) continue;
            property.SetValue(instance, Sample(property.PropertyType, property.Name));
        }
        return instance;
    }

    private static object? Sample(Type type, string name)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string)) return $"{name} é<&>\"";
        if (underlying == typeof(int)) return 486;
        if (underlying == typeof(long)) return 1234567890123L;
        if (underlying == typeof(bool)) return true;
        if (underlying == typeof(double)) return 0.75;
        if (underlying == typeof(JsonElement)) return JsonDocument.Parse("""{"k":[1,"é"],"n":null}""").RootElement.Clone();
        if (underlying == typeof(Dictionary<string, JsonElement>))
            return new Dictionary<string, JsonElement> { ["SipHeader_X-One"] = JsonDocument.Parse("\"1\"").RootElement.Clone(), ["SipHeader_X-Two"] = JsonDocument.Parse("\"ü\"").RootElement.Clone() };
        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var element = underlying.GetGenericArguments()[0];
            var array = Array.CreateInstance(element, 2);
            array.SetValue(Fill(element), 0);
            array.SetValue(Fill(element), 1);
            return array;
        }
        if (underlying.IsClass) return Fill(underlying);
        throw new NotSupportedException($"No sample for {type} ({name}): extend PayloadJsonTests.Sample.");
    }
}
