using Ncco.Rules;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Validation;

public class ValidatorTests
{
    [Fact]
    public void Reports_every_error_with_pointer_and_reason()
    {
        const string json = """
            [
              { "action": "talk", "text": "Hi", "loop": -1 },
              { "action": "input", "type": ["dtmf"], "dtmf": { "maxDigits": 25 }, "eventUrl": "https://example.com/in" },
              { "action": "record", "channels": 2 }
            ]
            """;

        var errors = NccoValidator.Validate(json);

        Assert.Collection(errors,
            e => { Assert.Equal("/0/loop", e.Pointer); Assert.Equal(ErrorCodes.Range, e.Code); Assert.Contains("from 0 to 2147483647, got -1", e.Message); },
            e => { Assert.Equal("/1/dtmf/maxDigits", e.Pointer); Assert.Equal(ErrorCodes.Range, e.Code); Assert.Contains("from 1 to 20, got 25", e.Message); },
            e => { Assert.Equal("/1/eventUrl", e.Pointer); Assert.Equal(ErrorCodes.Type, e.Code); Assert.Contains("not a bare string", e.Message); },
            e => { Assert.Equal("/2/channels", e.Pointer); Assert.Equal(ErrorCodes.Requires, e.Code); });
    }

    [Theory]
    [InlineData("""[{"action":"talk","text":"hi","bargein":true}]""", "/0/bargein", ErrorCodes.UnknownProperty, "did you mean \"bargeIn\"")]
    [InlineData("""[{"action":"Talk","text":"hi"}]""", "/0/action", ErrorCodes.UnknownAction, "did you mean \"talk\"")]
    [InlineData("""[{"action":"input","eventUrl":["https://x.example/e"]}]""", "/0", ErrorCodes.Required, "\"type\" is required")]
    [InlineData("""[{"action":"talk","text":"hi","bargeIn":true},{"action":"record"}]""", "/1", ErrorCodes.BargeInSequence, "at /0")]
    [InlineData("""[{"action":"talk","text":"hi","bargeIn":true}]""", "/0/bargeIn", ErrorCodes.BargeInSequence, "NCCO ends")]
    [InlineData("""[{"action":"conversation","name":"room","mute":true,"canSpeak":["a"]}]""", "/0/mute", ErrorCodes.Conflict, "canSpeak")]
    [InlineData("""[{"action":"connect","endpoint":[{"type":"phone","number":"+447700900000"}]}]""", "/0/endpoint/0/number", ErrorCodes.Format, "without the leading +")]
    [InlineData("""[{"action":"wait","timeout":0.05}]""", "/0/timeout", ErrorCodes.Range, "from 0.1 to 7200")]
    [InlineData("""[{"action":"talk","text":"hi","language":"en-GB","style":9}]""", "/0/style", ErrorCodes.Range, "does not exist for en-GB")]
    [InlineData("""{"action":"talk","text":"hi"}""", "", ErrorCodes.NotAnArray, "wrap this action")]
    [InlineData("""[{"action":"talk","text":"hi",]""", "", ErrorCodes.InvalidJson, "line 1")]
    [InlineData("""[{"action":"input","type":["dtmf","speech"],"mode":"asynchronous"}]""", "/0/type", ErrorCodes.Conflict, "DTMF only")]
    [InlineData("""[{"action":"connect","endpoint":[{"type":"websocket","uri":"https://x.example","content-type":"audio/l16;rate=16000"}]}]""", "/0/endpoint/0/uri", ErrorCodes.Format, "ws://")]
    public void Names_the_field_and_the_reason(string json, string pointer, string code, string reason)
    {
        var errors = NccoValidator.Validate(json);

        var error = Assert.Single(errors);
        Assert.Equal(pointer, error.Pointer);
        Assert.Equal(code, error.Code);
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("""[{"action":"talk","text":"hi","loop":"2","bargeIn":"true"},{"action":"input","type":["dtmf"]}]""")]
    [InlineData("""[{"action":"connect","advanced_machine_detection":{"behavior":"continue"},"endpoint":[{"type":"sip","uri":"sip:a@b.example","standard_headers":{"User-to-User":"aa;encoding=hex"}}]}]""")]
    [InlineData("""[{"action":"transfer","conversation_id":"CON-1"}]""")]
    [InlineData("""[{"action":"talk","text":"hi","voiceName":"Amy"}]""")]
    [InlineData("""[{"action":"talk","text":"a","bargeIn":true},{"action":"stream","streamUrl":["https://x.example/a.mp3"]},{"action":"input","type":["speech"]}]""")]
    public void Accepts_spellings_seen_in_the_wild(string json)
    {
        Assert.Empty(NccoValidator.Validate(json));
    }
}
