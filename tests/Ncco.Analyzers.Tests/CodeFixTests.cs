using Ncco.Analyzers.Analyzers;
using Ncco.Analyzers.Tests.Verification;

namespace Ncco.Analyzers.Tests;

public class CodeFixTests
{
    private static readonly AnonymousObjectNccoAnalyzer Anonymous = new();
    private static readonly NccoJsonLiteralAnalyzer Json = new();
    private static readonly BuilderArgumentAnalyzer Builder = new();

    private static string Api(string body) => AnonymousObjectTests.MinimalApi(body);
    private static string Parse(string statement) => JsonLiteralTests.Wrap(statement);

    [Fact]
    public void Wraps_anonymous_event_url_in_an_array()
    {
        VerifyFix.Apply(
            Api("""app.MapGet("/a", () => Results.Json(new[] { new { action = "notify", payload = new { a = 1 }, eventUrl = "https://e.com/n" } }));"""),
            Api("""app.MapGet("/a", () => Results.Json(new[] { new { action = "notify", payload = new { a = 1 }, eventUrl = new[] { "https://e.com/n" } } }));"""),
            Anonymous, "NCCO004");
    }

    [Fact]
    public void Wraps_json_event_url_in_an_array_in_a_regular_literal()
    {
        VerifyFix.Apply(
            Parse("""return NccoDocument.Parse("[{\"action\":\"stream\",\"streamUrl\":\"https://e.com/a.mp3\"}]");"""),
            Parse("""return NccoDocument.Parse("[{\"action\":\"stream\",\"streamUrl\":[\"https://e.com/a.mp3\"]}]");"""),
            Json, "NCCO004");
    }

    [Fact]
    public void Wraps_json_event_url_in_a_verbatim_literal()
    {
        VerifyFix.Apply(
            Parse("""return NccoDocument.Parse(@"[{""action"":""input"",""type"":[""dtmf""],""eventUrl"":""https://e.com/i""}]");"""),
            Parse("""return NccoDocument.Parse(@"[{""action"":""input"",""type"":[""dtmf""],""eventUrl"":[""https://e.com/i""]}]");"""),
            Json, "NCCO004");
    }

    [Fact]
    public void Fixes_property_casing_in_anonymous_objects()
    {
        VerifyFix.Apply(
            Api("""app.MapGet("/a", () => new object[] { new { action = "talk", text = "Hi", bargein = true }, new { action = "input", type = new[] { "dtmf" }, eventurl = new[] { "https://e.com" } } });"""),
            Api("""app.MapGet("/a", () => new object[] { new { action = "talk", text = "Hi", bargeIn = true }, new { action = "input", type = new[] { "dtmf" }, eventUrl = new[] { "https://e.com" } } });"""),
            Anonymous, "NCCO003");
    }

    [Fact]
    public void Fixes_property_casing_in_a_raw_json_literal()
    {
        VerifyFix.Apply(
            Parse(""""
                return NccoDocument.Parse("""
                    [{ "action": "talk", "text": "Hi", "bargein": true, "Loop": 2 }, { "action": "input", "type": ["dtmf"], "eventUrl": ["https://e.com"] }]
                    """);
                """"),
            Parse(""""
                return NccoDocument.Parse("""
                    [{ "action": "talk", "text": "Hi", "bargeIn": true, "loop": 2 }, { "action": "input", "type": ["dtmf"], "eventUrl": ["https://e.com"] }]
                    """);
                """"),
            Json, "NCCO003");
    }

    [Fact]
    public void Adds_missing_input_type_to_anonymous_object()
    {
        VerifyFix.Apply(
            Api("""app.MapGet("/a", () => Results.Json(new[] { new { action = "input", speech = new { language = "en-GB" }, eventUrl = new[] { "https://e.com" } } }));"""),
            Api("""app.MapGet("/a", () => Results.Json(new[] { new { action = "input", type = new[] { "speech" }, speech = new { language = "en-GB" }, eventUrl = new[] { "https://e.com" } } }));"""),
            Anonymous, "NCCO005");
    }

    [Fact]
    public void Adds_missing_input_type_to_json()
    {
        VerifyFix.Apply(
            Parse("""return NccoDocument.Parse("[{\"action\":\"input\",\"eventUrl\":[\"https://e.com\"]}]");"""),
            Parse("""return NccoDocument.Parse("[{\"action\":\"input\", \"type\": [\"dtmf\"],\"eventUrl\":[\"https://e.com\"]}]");"""),
            Json, "NCCO005");
    }

    [Fact]
    public void Removes_the_conflicting_option_from_anonymous_object()
    {
        VerifyFix.Apply(
            Api("""app.MapGet("/a", () => Results.Json(new[] { new { action = "conversation", name = "room", mute = true, canSpeak = new[] { "leg" } } }));"""),
            Api("""app.MapGet("/a", () => Results.Json(new[] { new { action = "conversation", name = "room", canSpeak = new[] { "leg" } } }));"""),
            Anonymous, "NCCO010");
    }

    [Fact]
    public void Removes_the_conflicting_option_from_json()
    {
        VerifyFix.Apply(
            Parse("""return NccoDocument.Parse("[{\"action\":\"connect\",\"endpoint\":[{\"type\":\"app\",\"user\":\"bob\"}],\"from\":\"447700900001\",\"randomFromNumber\":true}]");"""),
            Parse("""return NccoDocument.Parse("[{\"action\":\"connect\",\"endpoint\":[{\"type\":\"app\",\"user\":\"bob\"}],\"from\":\"447700900001\"}]");"""),
            Json, "NCCO010");
    }

    [Fact]
    public void Removes_the_conflicting_builder_argument()
    {
        VerifyFix.Apply(
            BuilderTests.Code("""return NccoBuilder.Create().Connect(CallEndpoint.App("bob"), randomFromNumber: true, from: "447700900001").Build();"""),
            BuilderTests.Code("""return NccoBuilder.Create().Connect(CallEndpoint.App("bob"), from: "447700900001").Build();"""),
            Builder, "NCCO010");
    }

    [Fact]
    public void Wraps_a_single_endpoint_object_in_an_array()
    {
        VerifyFix.Apply(
            Parse("""return NccoDocument.Parse("[{\"action\":\"connect\",\"endpoint\":{\"type\":\"app\",\"user\":\"bob\"}}]");"""),
            Parse("""return NccoDocument.Parse("[{\"action\":\"connect\",\"endpoint\":[{\"type\":\"app\",\"user\":\"bob\"}]}]");"""),
            Json, "NCCO006");
    }

    [Fact]
    public void No_fix_for_a_property_without_a_similar_name()
    {
        VerifyFix.None(Parse("""return NccoDocument.Parse("[{\"action\":\"talk\",\"text\":\"Hi\",\"volume\":1}]");"""), Json, "NCCO003");
    }

    [Fact]
    public void Converts_an_anonymous_ncco_to_the_builder()
    {
        VerifyFix.Apply(
            Api("""
                app.MapGet("/a", () => Results.Json(new object[]
                    {
                        new { action = "talk", text = "Press 1", bargeIn = true, language = "en-GB" },
                        new { action = "input", type = new[] { "dtmf" }, dtmf = new { maxDigits = 1 }, eventUrl = new[] { baseUrl + "/menu" } },
                        new { action = "connect", endpoint = new[] { new { type = "phone", number = "447700900000" } }, timeout = 30 },
                    }));
                """),
            Api("""
                app.MapGet("/a", () => Results.Json(NccoBuilder.Create()
                            .Talk("Press 1", bargeIn: true, language: "en-GB")
                            .Input(InputTypes.Dtmf, baseUrl + "/menu", dtmf: new() { MaxDigits = 1 })
                            .Connect(Ncco.Model.Endpoints.CallEndpoint.Phone("447700900000"), timeout: 30)
                            .Build()));
                """).Replace("using Microsoft.AspNetCore.Http;\n", "using Microsoft.AspNetCore.Http;\nusing Ncco;\nusing Ncco.Model;\n"),
            Anonymous, "NCCO040", new VerifyOptions { IncludeHidden = true });
    }

    [Fact]
    public void Converts_a_parsed_json_literal_to_the_builder()
    {
        VerifyFix.Apply(
            Parse("""return NccoDocument.Parse("[{\"action\":\"talk\",\"text\":\"Hi\",\"loop\":2},{\"action\":\"record\",\"endOnKey\":\"#\",\"format\":\"wav\"}]");"""),
            Parse("""
                return NccoBuilder.Create()
                            .Talk("Hi", loop: 2)
                            .Record(endOnKey: '#', format: RecordingFormat.Wav)
                            .Build();
                """),
            Json, "NCCO040", new VerifyOptions { IncludeHidden = true });
    }

    [Fact]
    public void Converts_input_settings_and_connect_options_to_the_builder()
    {
        VerifyFix.Apply(
            Parse("""return NccoDocument.Parse("[{\"action\":\"input\",\"type\":[\"speech\"],\"speech\":{\"context\":[\"yes\"],\"endOnSilence\":1.5},\"mode\":\"synchronous\"},{\"action\":\"connect\",\"endpoint\":[{\"type\":\"app\",\"user\":\"bob\"}],\"eventType\":\"synchronous\"},{\"action\":\"record\",\"timeOut\":60}]");"""),
            Parse("""
                return NccoBuilder.Create()
                            .Input(InputTypes.Speech, speech: new() { Context = new[] { "yes" }, EndOnSilence = 1.5 }, mode: InputMode.Synchronous)
                            .Connect(Ncco.Model.Endpoints.CallEndpoint.App("bob"), eventType: ConnectEventType.Synchronous)
                            .Record(timeout: 60)
                            .Build();
                """),
            Json, "NCCO040", new VerifyOptions { IncludeHidden = true });
    }

    [Fact]
    public void Invalid_or_inexpressible_nccos_are_not_offered_the_builder()
    {
        Verify.Diagnostics(Api("""
            app.MapGet("/a", () => Results.Json(new object[] { new { action = "talk", text = "Hi", loop = {|NCCO007:-1|} } }));
            app.MapGet("/b", () => Results.Json(new object[] { new { action = "talk", text = "Hi", voiceName = "Amy" } }));
            """), [Anonymous], options: new VerifyOptions { IncludeHidden = true });
    }
}
