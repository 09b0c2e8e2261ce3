using System.Text;
using System.Text.Json;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Validation;

/// <summary>
/// Text that is not Unicode — invalid UTF-8 bytes, or an unpaired surrogate (escaped as <c>\ud800</c> or inside a .NET
/// string) — passes JSON parsers but no decoder can read it. Wherever it is in an NCCO, validating and parsing report
/// an <see cref="NccoErrorCodes.Encoding"/> error naming its pointer; nothing throws.
/// </summary>
public class TextEncodingTests
{
    private const string Url = "https://example.com/webhooks/event";

    [Fact]
    public void Invalid_utf8_bytes_in_talk_text_are_an_error_at_the_text()
    {
        var json = Bytes("""[{"action":"talk","text":"caf""", [0xC3, 0x28], """ au lait"}]""");

        AssertEncodingError(NccoValidator.Validate(json), "/0/text");
        var parsed = NccoParser.Parse(json);
        Assert.False(parsed.IsValid);
        AssertEncodingError(parsed.Errors, "/0/text");
    }

    [Fact]
    public void Strings_of_an_all_ascii_input_decode_as_in_a_non_ascii_one()
    {
        // An all-ASCII input decodes its strings by widening bytes (issue 19); one non-ASCII character elsewhere takes
        // the UTF-8 decoder. Every ASCII character a JSON string holds unescaped, DEL included, reads the same either way.
        var ascii = new string(Enumerable.Range(0x20, 0x60).Select(c => (char)c).Where(c => c is not ('"' or '\\')).ToArray());
        var plain = $$"""[{"action":"talk","text":"{{ascii}}"},{"action":"conversation","name":"x{{ascii}}"}]""";
        var mixed = plain.Replace("\"name\":\"x", "\"name\":\"é", StringComparison.Ordinal);
        Assert.NotEqual(plain, mixed);

        var fromAscii = NccoParser.Parse(Encoding.UTF8.GetBytes(plain).AsMemory()).GetDocumentOrThrow();
        var fromMixed = NccoParser.Parse(Encoding.UTF8.GetBytes(mixed).AsMemory()).GetDocumentOrThrow();
        Assert.Equal(ascii, ((Ncco.Model.Actions.TalkAction)fromAscii.Actions[0]).Text);
        Assert.Equal(ascii, ((Ncco.Model.Actions.TalkAction)fromMixed.Actions[0]).Text);
        Assert.Equal("x" + ascii, ((Ncco.Model.Actions.ConversationAction)fromAscii.Actions[1]).ConversationName);
        Assert.Equal("é" + ascii, ((Ncco.Model.Actions.ConversationAction)fromMixed.Actions[1]).ConversationName);
        Assert.Contains('\u007f', ascii);
    }

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("\\udc00")]
    [InlineData("a\\ud83db")]
    [InlineData("\\ud83d\\u0041")]
    public void Escaped_unpaired_surrogate_is_an_error_at_the_string(string escape)
    {
        var json = $$"""[{"action":"talk","text":"{{escape}}"}]""";

        AssertEncodingError(NccoValidator.Validate(json), "/0/text");
        AssertEncodingError(NccoValidator.Validate(Encoding.UTF8.GetBytes(json)), "/0/text");
        using var document = JsonDocument.Parse(json);
        AssertEncodingError(NccoParser.Parse(document.RootElement).Errors, "/0/text");
    }

    [Fact]
    public void Unpaired_surrogate_in_a_dotnet_string_is_an_error_at_the_string_not_an_argument_exception()
    {
        var json = "[{\"action\":\"talk\",\"text\":\"hello \ud800\"}]";

        AssertEncodingError(NccoValidator.Validate(json), "/0/text");
        Assert.Throws<NccoValidationException>(() => Model.NccoDocument.Parse(json));
    }

    [Theory]
    [InlineData("""[{"action":"talk","text":"\ud83d\ude00 fine"}]""")]
    [InlineData("""[{"action":"talk","text":"a backslash then ud800: \\ud800"}]""")]
    [InlineData("""[{"action":"talk","text":"\u00e9t\u00e9"}]""")]
    public void Well_formed_escapes_are_valid(string json)
    {
        Assert.Empty(NccoValidator.Validate(json));
        using var document = JsonDocument.Parse(json);
        Assert.True(NccoParser.Parse(document.RootElement).IsValid);
    }

    [Fact]
    public void Strings_nowhere_described_by_a_rule_are_checked_too()
    {
        var json = $$$"""
            [
              {"action":"notify","payload":{"steps":["ok","\udfff"]},"eventUrl":["{{{Url}}}"]},
              {"action":"talk","text":"hi","providerOptions":{"\ud800":1},"provider":"acme"},
              {"action":"connect","endpoint":[{"type":"sip","uri":"sip:a@example.com","headers":{"X-Id":"\ud800"}}]}
            ]
            """;

        var errors = NccoValidator.Validate(json);

        Assert.Equal(
            ["/0/payload/steps/1", "/1/providerOptions/\uFFFD", "/2/endpoint/0/headers/X-Id"],
            errors.Where(e => e.Code == NccoErrorCodes.Encoding).Select(e => e.Pointer).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Custom_actions_are_checked_for_text_only()
    {
        var options = new NccoValidationOptions { CustomActions = new HashSet<string> { "log" } };

        Assert.Empty(NccoValidator.Validate("""[{"action":"log","anything":{"x":[1,"y"]}}]""", options));
        AssertEncodingError(NccoValidator.Validate("""[{"action":"log","message":"\ud800"}]""", options), "/0/message");
    }

    [Fact]
    public void Property_name_that_is_not_unicode_is_named_with_a_replacement_character()
    {
        var errors = NccoValidator.Validate(Bytes("""[{"action":"talk","text":"hi","te""", [0xFF], """xt":"x"}]"""));

        var error = Assert.Single(errors);
        Assert.Equal(("/0/te\uFFFDxt", NccoErrorCodes.Encoding), (error.Pointer, error.Code));
        Assert.Contains("property name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Action_and_endpoint_type_names_that_are_not_unicode_are_errors()
    {
        AssertEncodingError(NccoValidator.Validate("""[{"action":"talk\ud800","text":"hi"}]"""), "/0/action");
        AssertEncodingError(NccoValidator.Validate("""[{"action":"connect","endpoint":[{"type":"\udc00"}]}]"""), "/0/endpoint/0/type");
    }

    [Fact]
    public void Byte_order_mark_before_utf8_json_is_accepted()
    {
        Assert.Empty(NccoValidator.Validate(Bytes("\uFEFF" + """[{"action":"talk","text":"hi"}]""")));
    }

    private static void AssertEncodingError(IReadOnlyList<NccoError> errors, string pointer)
    {
        var error = Assert.Single(errors);
        Assert.Equal((pointer, NccoErrorCodes.Encoding), (error.Pointer, error.Code));
        Assert.Contains("valid Unicode", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Bytes(string before, byte[]? bad = null, string after = "") =>
        [.. Encoding.UTF8.GetBytes(before), .. bad ?? [], .. Encoding.UTF8.GetBytes(after)];
}
