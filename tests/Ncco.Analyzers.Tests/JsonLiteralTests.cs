using Ncco.Analyzers.Analyzers;
using Ncco.Analyzers.Tests.Verification;

namespace Ncco.Analyzers.Tests;

public class JsonLiteralTests
{
    private static readonly NccoJsonLiteralAnalyzer Analyzer = new();

    internal static string Wrap(string statement) => $$"""
        using Ncco;
        using Ncco.Model;
        using Ncco.Serialization;
        using Ncco.Validation;

        public static class App
        {
            public static object Run()
            {
                {{statement}}
            }
        }
        """;

    [Fact]
    public void Valid_ncco_json_has_no_diagnostics()
    {
        Verify.NoDiagnostics(Wrap("""
            return NccoDocument.Parse("[{\"action\":\"talk\",\"text\":\"Hello\",\"bargeIn\":true},{\"action\":\"input\",\"type\":[\"dtmf\"],\"eventUrl\":[\"https://example.com/in\"]}]");
            """), Analyzer);
    }

    [Fact]
    public void Bare_string_event_url_is_reported_inside_a_regular_literal()
    {
        Verify.Diagnostics(Wrap("""
            return NccoDocument.Parse("[{\"action\":\"input\",\"type\":[\"dtmf\"],\"eventUrl\":[|\"https://example.com/in\"|]}]");
            """), Analyzer, "NCCO004");
    }

    [Fact]
    public void Verbatim_literal_spans_account_for_doubled_quotes()
    {
        Verify.Diagnostics(Wrap("""
            return NccoParser.Parse(@"[{""action"":""talk"",""text"":""Hi"",""loop"":[|-1|]}]");
            """), Analyzer, "NCCO007");
    }

    [Fact]
    public void Raw_multi_line_literal_reports_at_the_exact_characters()
    {
        Verify.Diagnostics(Wrap(""""
            return NccoValidator.Validate("""
                    [
                      { "action": "talk", "text": "Hi", {|NCCO003:"bargein"|}: true },
                      { "action": {|NCCO002:"imput"|}, "type": ["dtmf"] }
                    ]
                    """);
            """"), Analyzer);
    }

    [Fact]
    public void Json_syntax_error_is_reported_where_it_is()
    {
        Verify.Diagnostics(Wrap("""
            return NccoDocument.Parse("[{\"action\":\"talk\" [|\"|]text\":\"Hi\"}]");
            """), Analyzer, "NCCO001");
    }

    [Fact]
    public void Unclosed_json_is_reported_at_the_end()
    {
        Verify.Diagnostics(Wrap("""
            return NccoDocument.Parse("[{\"action\":\"talk\",\"text\":\"Hi\"}[||]");
            """), Analyzer, "NCCO001");
    }

    [Fact]
    public void Trailing_comma_is_a_syntax_error()
    {
        Verify.Diagnostics(Wrap("""
            return NccoDocument.Parse("[{\"action\":\"talk\",\"text\":\"Hi\"}[|]|]");
            """.Replace("}[|]|]", "},[|]|]")), Analyzer, "NCCO001");
    }

    [Fact]
    public void Lang_comment_marks_any_literal()
    {
        Verify.Diagnostics(Wrap("""
            // lang=ncco
            var json = "[{\"action\":\"connect\",\"endpoint\":[{\"type\":\"phone\",\"number\":[|\"+447700900000\"|]}]}]";
            return json;
            """), Analyzer, "NCCO009");
    }

    [Fact]
    public void Inline_lang_comment_marks_the_literal()
    {
        Verify.Diagnostics(Wrap("""
            var json = /* lang=ncco */ "[{\"action\":\"wait\",\"timeout\":[|9000|]}]";
            return json;
            """), Analyzer, "NCCO007");
    }

    [Fact]
    public void Unmarked_literal_not_passed_to_ncco_api_is_ignored()
    {
        Verify.NoDiagnostics(Wrap("""
            var json = "[{\"action\":\"wait\",\"timeout\":9000}]";
            return json;
            """), Analyzer);
    }

    [Fact]
    public void Constant_flowing_into_parse_is_checked_at_its_declaration()
    {
        Verify.Diagnostics("""
            using Ncco.Model;
            public static class App
            {
                private const string Ncco = "[{\"action\":\"talk\",\"text\":\"Hi\",\"level\":[|2|]}]";
                public static object Run() => NccoDocument.Parse(Ncco);
            }
            """, Analyzer, "NCCO007");
    }

    [Fact]
    public void Local_flowing_into_try_parse_is_checked()
    {
        Verify.Diagnostics(Wrap("""
            var json = "[{\"action\":\"notify\",\"payload\":{},\"eventUrl\":[[|\"ftp://x\"|]]}]";
            return NccoDocument.TryParse(json, out _, out _);
            """), Analyzer, "NCCO009");
    }

    [Fact]
    public void Interpolated_literal_checks_constant_parts_and_skips_holes()
    {
        Verify.Diagnostics(Wrap("""
            var baseUrl = System.Environment.GetEnvironmentVariable("BASE") ?? "";
            var loops = System.Environment.ProcessorCount;
            return NccoDocument.Parse($"[{{\"action\":\"stream\",\"streamUrl\":[\"{baseUrl}/hold.mp3\"],\"loop\":{loops},\"level\":[|5|]}}]");
            """), Analyzer, "NCCO007");
    }

    [Fact]
    public void Interpolated_raw_literal_is_checked()
    {
        Verify.Diagnostics(Wrap(""""
            var name = System.Environment.UserName;
            return NccoDocument.Parse($$"""
                [{ "action": "conversation", "name": "{{name}}", {|NCCO010:"mute"|}: true, "canSpeak": ["a"] }]
                """);
            """"), Analyzer);
    }

    [Fact]
    public void Every_validator_rule_kind_is_reported_with_its_id()
    {
        Verify.Diagnostics(Wrap(""""
            return NccoDocument.Parse("""
                [
                  { "action": "talk", "text": "Hi", "language": {|NCCO009:"xx-XX"|} },
                  { "action": "talk", "text": "Hi", "language": "en-GB", "style": {|NCCO011:9|} },
                  { "action": {|NCCO022:"input"|}, "type": [{|NCCO008:"dtmF"|}], {|NCCO010:"dtmf"|}: { "maxDigits": {|NCCO007:30|} } },
                  {|NCCO005:{|} "text": "no action" },
                  { "action": "record", {|NCCO010:"channels"|}: 2 },
                  { "action": "conversation", "name": {|NCCO012:""|} },
                  { "action": "transfer", "conversationId": "CON-1", {|NCCO013:"conversation_id"|}: "CON-2" },
                  { "action": {|NCCO021:"wait"|}, "timeout": {|NCCO006:"soon"|} }
                ]
                """);
            """"), Analyzer);
    }

    [Fact]
    public void Missing_input_type_is_reported_on_the_action_name()
    {
        Verify.Diagnostics(Wrap("""
            return NccoDocument.Parse("[{\"action\":[|\"input\"|],\"eventUrl\":[\"https://e.com/x\"]}]");
            """), Analyzer, "NCCO005");
    }

    [Fact]
    public void Flow_rules_apply_to_json()
    {
        Verify.Diagnostics(Wrap(""""
            return NccoDocument.Parse("""
                [
                  { "action": "talk", "text": "Hi", "bargeIn": true },
                  { "action": {|NCCO020:"wait"|} },
                  { "action": "transfer", "conversationId": "CON-1" },
                  { "action": {|NCCO021:"talk"|}, "text": "never" }
                ]
                """);
            """"), Analyzer);
    }

    [Fact]
    public void Empty_ncco_json_is_reported()
    {
        Verify.Diagnostics(Wrap("""
            return NccoDocument.Parse("[|[]|]");
            """), Analyzer, "NCCO023");
    }

    [Fact]
    public void Custom_actions_from_editorconfig_are_accepted()
    {
        Verify.Diagnostics(Wrap("""
            return NccoDocument.Parse("[{\"action\":\"play_jingle\",\"x\":1}]");
            """), [Analyzer], options: new VerifyOptions { EditorConfig = "root = true\n[*.cs]\nncco_custom_actions = play_jingle\n" });
    }

    [Fact]
    public void Severity_can_be_changed_in_editorconfig()
    {
        var diagnostics = Verify.Diagnostics(Wrap("""
            return NccoDocument.Parse("[{\"action\":\"wait\",\"timeout\":[|9000|]}]");
            """), [Analyzer], "NCCO007", new VerifyOptions { EditorConfig = "root = true\n[*.cs]\ndotnet_diagnostic.NCCO007.severity = error\n" });
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, Assert.Single(diagnostics).Severity);

        Verify.Diagnostics(Wrap("""
            return NccoDocument.Parse("[{\"action\":\"wait\",\"timeout\":9000}]");
            """), [Analyzer], options: new VerifyOptions { EditorConfig = "root = true\n[*.cs]\ndotnet_diagnostic.NCCO007.severity = none\n" });
    }

    [Fact]
    public void Nothing_is_registered_without_ncco_runtime_or_aspnet()
    {
        Verify.Diagnostics("""
            public static class App
            {
                // lang=ncco
                public const string Json = "[{\"action\":\"wait\",\"timeout\":9000}]";
            }
            """, [Analyzer], options: new VerifyOptions { References = References.Bare });
    }
}
