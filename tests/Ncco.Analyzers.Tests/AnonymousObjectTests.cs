using Ncco.Analyzers.Analyzers;
using Ncco.Analyzers.Tests.Verification;

namespace Ncco.Analyzers.Tests;

public class AnonymousObjectTests
{
    private static readonly AnonymousObjectNccoAnalyzer Analyzer = new();

    internal static string MinimalApi(string body) => $$"""
        using System;
        using System.Collections.Generic;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Http;

        public static class Endpoints
        {
            public static void Map(WebApplication app, string baseUrl)
            {
                {{body}}
            }
        }
        """;

    [Fact]
    public void Correct_anonymous_ncco_has_no_diagnostics()
    {
        Verify.NoDiagnostics(MinimalApi("""
            app.MapGet("/answer", () => Results.Json(new object[]
            {
                new { action = "talk", text = "Welcome", bargeIn = true },
                new { action = "input", type = new[] { "dtmf" }, dtmf = new { maxDigits = 1 }, eventUrl = new[] { baseUrl + "/menu" } },
            }));
            """), Analyzer);
    }

    [Fact]
    public void String_event_url_instead_of_array_is_reported()
    {
        Verify.Diagnostics(MinimalApi("""
            app.MapGet("/answer", () => Results.Json(new object[]
            {
                new { action = "input", type = new[] { "dtmf" }, eventUrl = [|"https://example.com/menu"|] },
            }));
            """), Analyzer, "NCCO004");
    }

    [Fact]
    public void Non_constant_string_event_url_is_still_a_bare_string()
    {
        Verify.Diagnostics(MinimalApi("""
            app.MapPost("/answer", () => Results.Ok(new object[]
            {
                new { action = "stream", streamUrl = [|$"{baseUrl}/hold.mp3"|] },
            }));
            """), Analyzer, "NCCO004");
    }

    [Fact]
    public void Uri_event_url_serializes_as_a_bare_string()
    {
        Verify.Diagnostics(MinimalApi("""
            app.MapPost("/answer", () => TypedResults.Ok(new object[]
            {
                new { action = "notify", payload = new { step = 1 }, eventUrl = [|new Uri(baseUrl)|] },
            }));
            """), Analyzer, "NCCO004");
    }

    [Fact]
    public void Misspelled_and_mis_cased_properties_are_reported()
    {
        Verify.Diagnostics(MinimalApi("""
            app.MapGet("/answer", () => new object[]
            {
                new { action = "talk", text = "Press 1", {|NCCO003:bargein|} = true },
                new { action = {|NCCO022:"input"|}, type = new[] { "dtmf" }, {|NCCO003:eventurl|} = new[] { "https://example.com/menu" } },
            });
            """), Analyzer);
    }

    [Fact]
    public void Pascal_case_members_are_camel_cased_like_aspnet_does()
    {
        Verify.NoDiagnostics(MinimalApi("""
            app.MapGet("/answer", () => Results.Json(new[] { new { Action = "talk", Text = "Hi", BargeIn = false } }));
            """), Analyzer);
    }

    [Fact]
    public void Unknown_action_missing_required_and_ranges_are_reported()
    {
        Verify.Diagnostics(MinimalApi("""
            app.MapGet("/answer", () => Results.Json(new object[]
            {
                new { action = {|NCCO002:"say"|}, text = "Hi" },
                new { action = {|NCCO005:"input"|}, eventUrl = new[] { "https://example.com/menu" } },
                new { action = "talk", text = "Hi", loop = {|NCCO007:-1|}, language = {|NCCO009:"english"|} },
                new { action = "record", format = {|NCCO008:"MP3"|} },
                new { action = "connect", endpoint = new[] { new { type = "phone", number = {|NCCO009:"+44 7700 900000"|} } }, timeout = {|NCCO007:1|} },
            }));
            """), Analyzer);
    }

    [Fact]
    public void Collection_expression_returned_from_lambda_body_is_checked()
    {
        Verify.Diagnostics(MinimalApi("""
            app.MapGet("/answer", object () =>
            {
                object[] ncco = [new { action = "wait", timeout = {|NCCO007:0|} }];
                return ncco;
            });
            """), Analyzer);
    }

    [Fact]
    public void Controller_action_returning_an_ncco_is_checked()
    {
        Verify.Diagnostics("""
            using Microsoft.AspNetCore.Mvc;

            public class AnswerController : ControllerBase
            {
                [HttpGet("/answer")]
                public IActionResult Answer() => Ok(new[] { new { action = "conversation", name = "room", musicOnHoldUrl = [|"https://example.com/moh.mp3"|] } });
            }
            """, Analyzer, "NCCO004");
    }

    [Fact]
    public void Controller_action_returning_array_directly_is_checked()
    {
        Verify.Diagnostics("""
            using Microsoft.AspNetCore.Mvc;

            public class AnswerController : ControllerBase
            {
                [HttpGet("/answer")]
                public object[] Answer() => new object[] { new { action = "talk", text = "Hi", style = {|NCCO011:99|} } };
            }
            """, Analyzer);
    }

    [Fact]
    public void Single_action_object_instead_of_array_is_reported()
    {
        Verify.Diagnostics(MinimalApi("""
            app.MapGet("/answer", () => Results.Json({|NCCO006:new|} { action = "talk", text = "Hi" }));
            """), Analyzer);
    }

    [Fact]
    public void Arrays_of_other_anonymous_objects_are_ignored()
    {
        Verify.NoDiagnostics(MinimalApi("""
            app.MapGet("/users", () => Results.Json(new[] { new { name = "a", eventUrl = "https://example.com" } }));
            """), Analyzer);
    }

    [Fact]
    public void Anonymous_ncco_outside_endpoints_is_still_checked_action_by_action()
    {
        Verify.Diagnostics(MinimalApi("""
            var ncco = new object[] { new { action = "talk", text = "Hi", {|NCCO003:bargein|} = true } };
            Console.WriteLine(ncco.Length);
            """), Analyzer);
    }

    [Fact]
    public void Dictionary_members_are_read_without_renaming()
    {
        Verify.Diagnostics(MinimalApi("""
            app.MapGet("/answer", () => Results.Json(new object[]
            {
                new { action = "connect", endpoint = new[] { new Dictionary<string, object> { ["type"] = "websocket", ["uri"] = "wss://example.com/ws", ["content-type"] = [|"audio/l16;rate=44100"|] } } },
            }));
            """), Analyzer, "NCCO008");
    }

    [Fact]
    public void Conflicts_and_flow_rules_are_reported()
    {
        Verify.Diagnostics(MinimalApi("""
            app.MapGet("/answer", () => Results.Json(new object[]
            {
                new { action = "conversation", name = "room", {|NCCO010:mute|} = true, canSpeak = new[] { "leg-1" } },
                new { action = "talk", text = "Hi", bargeIn = true },
                new { action = {|NCCO020:"wait"|} },
            }));
            """), Analyzer);
    }

    [Fact]
    public void Nothing_is_registered_without_aspnet()
    {
        Verify.Diagnostics("""
            public static class App
            {
                public static object Answer() => new object[] { new { action = "talk", text = "Hi", bargein = true } };
            }
            """, [Analyzer], options: new VerifyOptions { References = References.WithoutAspNet });
    }

    [Fact]
    public void Actions_built_in_a_helper_are_checked_where_they_are_built()
    {
        Verify.Diagnostics("""
            using System.Collections.Generic;

            public static class Menus
            {
                public static object[] Sales(string baseUrl) =>
                [
                    new { action = "talk", text = "Sales. Press 1.", {|NCCO003:bargein|} = true },
                    new { action = "input", type = new[] { "dtmf" }, eventUrl = new[] { baseUrl + "/sales" } },
                ];

                public static List<object> Main(string baseUrl)
                {
                    var actions = new List<object>();
                    actions.Add(new { action = "record", endOnSilence = {|NCCO007:30|} });
                    return actions;
                }
            }
            """, Analyzer);
    }

    [Fact]
    public void Objects_that_are_not_ncco_actions_are_left_alone()
    {
        Verify.NoDiagnostics("""
            public static class Audit
            {
                public static object Entry() => new { action = "login", bargein = true };
                public static object Other() => new { kind = "talk", loop = -1 };
            }
            """, Analyzer);
    }

    [Fact]
    public void An_action_returned_from_an_endpoint_is_reported_once()
    {
        Verify.Diagnostics(MinimalApi("""
            app.MapGet("/answer", () => Results.Json(new object[]
            {
                new { action = "talk", text = "Welcome", loop = [|-1|] },
            }));
            """), Analyzer, "NCCO007");
    }
}
