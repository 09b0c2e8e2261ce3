using Ncco.Analyzers.Analyzers;
using Ncco.Analyzers.Tests.Verification;

namespace Ncco.Analyzers.Tests;

public class BuilderTests
{
    private static readonly BuilderArgumentAnalyzer Arguments = new();
    private static readonly BuilderFlowAnalyzer Flow = new();

    internal static string Code(string body) => $$"""
        using System;
        using Ncco;
        using Ncco.Model;
        using Ncco.Model.Endpoints;

        public static class App
        {
            public static NccoDocument Answer(string baseUrl, int n)
            {
                {{body}}
            }
        }
        """;

    [Fact]
    public void Valid_builder_calls_have_no_diagnostics()
    {
        Verify.NoDiagnostics(Code("""
            return NccoBuilder.Create()
                .Talk("Welcome", bargeIn: true, loop: 2, level: 0.5, language: "en-GB", style: 3)
                .Input(InputTypes.Dtmf, baseUrl + "/menu", dtmf: new() { MaxDigits = 1, Timeout = 5 })
                .Connect(CallEndpoint.Phone("447700900000"), from: "447700900001", timeout: 30, limit: 600)
                .Record(endOnSilence: 3, endOnKey: '#', timeout: 60, channels: 2)
                .Wait(2.5)
                .Build();
            """), Arguments, Flow);
    }

    [Fact]
    public void Out_of_range_constants_are_reported_at_the_argument()
    {
        Verify.Diagnostics(Code("""
            return NccoBuilder.Create()
                .Talk("Hi", loop: [|-1|], level: [|1.5|])
                .Input(InputTypes.Dtmf, "https://e.com/x", dtmf: new() { MaxDigits = [|25|], Timeout = [|11|] }, speech: new() { StartTimeout = 5 })
                .Record(endOnSilence: [|20|], timeout: [|2|])
                .Connect(CallEndpoint.App("bob"), timeout: [|1|], limit: [|9000|])
                .Wait([|0|])
                .Build();
            """), [Arguments], "NCCO007", new VerifyOptions { OnlyIds = ["NCCO007"] });
    }

    [Fact]
    public void Language_style_and_formats_are_checked()
    {
        Verify.Diagnostics(Code("""
            return NccoBuilder.Create()
                .Talk("Hi", language: {|NCCO009:"klingon"|})
                .Talk("Hi", language: "en-GB", style: {|NCCO011:9|})
                .Talk("Hi", language: {|NCCO011:"de-AT"|})
                .Stream({|NCCO009:"file:///hold.mp3"|})
                .Connect(CallEndpoint.Phone({|NCCO009:"+447700900000"|}))
                .Connect(CallEndpoint.Sip({|NCCO009:"alice@example.com"|}))
                .Connect(CallEndpoint.WebSocket({|NCCO009:"https://example.com/ws"|}, sampleRate: {|NCCO008:44100|}))
                .Input(InputTypes.Speech, "https://e.com/x", speech: new() { Language = {|NCCO009:"xx"|} })
                .Build();
            """), Arguments);
    }

    [Fact]
    public void Settings_records_are_checked_at_their_properties()
    {
        var diagnostics = Verify.Diagnostics(Code("""
            return NccoBuilder.Create()
                .Input(InputTypes.Dtmf | InputTypes.Speech, "https://e.com/x",
                    dtmf: new Ncco.Model.Actions.DtmfSettings { MaxDigits = [|25|], SubmitOnHash = true },
                    speech: new() { EndOnSilence = [|20|], Sensitivity = [|5|], Uuid = "leg" })
                .Record(timeout: 60, transcription: new() { EventUrl = new Uri("https://e.com/t"), SentimentAnalysis = true })
                .Connect(CallEndpoint.App("bob"), advancedMachineDetection: new() { Behavior = MachineDetectionBehavior.Hangup, BeepTimeout = [|5|] })
                .Build();
            """), [Arguments], "NCCO007", new VerifyOptions { OnlyIds = ["NCCO007"] });
        Assert.Contains(diagnostics, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).StartsWith("dtmf.MaxDigits: must be", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).StartsWith("advancedMachineDetection.BeepTimeout: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_properties_and_enums_are_read_by_their_wire_names()
    {
        Verify.Diagnostics(Code("""
            return NccoBuilder.Create()
                .Input(InputTypes.Speech, "https://e.com/x", speech: new() { Language = {|NCCO009:"xx"|}, Context = ["sales"] })
                .Record(timeout: 60, format: RecordingFormat.Ogg, transcription: new() { Language = {|NCCO009:"yy"|}, EventUrl = new Uri({|NCCO009:"ftp://e.com/t"|}) })
                .Build();
            """), Arguments);
    }

    [Fact]
    public void Valid_enums_and_defaults_have_no_diagnostics()
    {
        Verify.NoDiagnostics(Code("""
            return NccoBuilder.Create()
                .Talk("Hi", bargeIn: false, loop: 1, language: "en-US")
                .Input(InputTypes.Dtmf, "https://e.com/x", mode: InputMode.Asynchronous, eventMethod: WebhookMethod.Get)
                .Connect(CallEndpoint.App("bob"), eventType: ConnectEventType.Synchronous, machineDetection: MachineDetectionBehavior.Hangup,
                    advancedMachineDetection: new() { Mode = MachineDetectionMode.DetectBeep, BeepTimeout = 60 })
                .Connect(CallEndpoint.App("bob"), eventType: ConnectEventType.Asynchronous, eventMethod: WebhookMethod.Post)
                .Conversation("room", startOnEnter: true, mute: false, canSpeak: new[] { "leg" })
                .Wait(10)
                .Build();
            """), Arguments, Flow);
    }

    [Fact]
    public void Custom_actions_in_a_chain_disable_flow_claims()
    {
        Verify.NoDiagnostics(Code("""
            return NccoBuilder.Create().Custom("beep", new { times = 3 }).Build();
            """), Arguments, Flow);
    }

    [Fact]
    public void Premium_style_is_valid_with_premium()
    {
        Verify.NoDiagnostics(Code("""
            return NccoBuilder.Create().Talk("Hi", language: "en-GB", style: 8, premium: true).Build();
            """), Arguments);
    }

    [Fact]
    public void Cross_field_conflicts_are_reported()
    {
        Verify.Diagnostics(Code("""
            return NccoBuilder.Create()
                .Conversation("room", {|NCCO010:mute: true|}, canSpeak: new[] { "leg" })
                .Connect(CallEndpoint.App("bob"), from: "447700900001", {|NCCO010:randomFromNumber: true|})
                .Input(InputTypes.Speech, "https://e.com/x", {|NCCO010:dtmf: new() { MaxDigits = 2 }|})
                .Record({|NCCO010:channels: 1|})
                .Transfer("CON-1", canSpeak: new[] { "a" }, {|NCCO010:mute: true|})
                .Build();
            """), Arguments);
    }

    [Fact]
    public void Non_constant_arguments_are_not_guessed()
    {
        Verify.NoDiagnostics(Code("""
            var rnd = n > 0;
            return NccoBuilder.Create()
                .Talk("Hi", loop: n, language: baseUrl)
                .Connect(CallEndpoint.Phone(baseUrl), from: baseUrl, randomFromNumber: rnd)
                .Record(channels: n)
                .Build();
            """), Arguments);
    }

    [Fact]
    public void Barge_in_without_input_is_reported_in_a_chain()
    {
        Verify.Diagnostics(Code("""
            return NccoBuilder.Create()
                .Talk("Hi", bargeIn: true)
                .Stream("https://e.com/a.mp3")
                .[|Wait|](1)
                .Build();
            """), Flow, "NCCO020");
    }

    [Fact]
    public void Barge_in_at_the_end_is_reported_on_the_flag()
    {
        Verify.Diagnostics(Code("""
            return NccoBuilder.Create().Talk("Hi", [|bargeIn: true|]).Build();
            """), Flow, "NCCO020");
    }

    [Fact]
    public void Actions_after_transfer_are_unreachable()
    {
        Verify.Diagnostics(Code("""
            return NccoBuilder.Create()
                .Transfer("CON-123")
                .[|Talk|]("never heard")
                .Build();
            """), Flow, "NCCO021");
    }

    [Fact]
    public void Input_without_event_url_is_an_info()
    {
        var diagnostics = Verify.Diagnostics(Code("""
            return NccoBuilder.Create().Talk("Press 1").[|Input|](InputTypes.Dtmf).Build();
            """), Flow, "NCCO022");
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Info, Assert.Single(diagnostics).Severity);
    }

    [Fact]
    public void Empty_builder_is_reported()
    {
        Verify.Diagnostics(Code("""
            return NccoBuilder.Create().[|Build|]();
            """), Flow, "NCCO023");
    }

    [Fact]
    public void Flow_over_statements_on_one_local_builder()
    {
        Verify.Diagnostics(Code("""
            var builder = NccoBuilder.Create().Talk("Hi", bargeIn: true);
            builder.Talk("more");
            builder.[|Wait|]();
            return builder.Build();
            """), Flow, "NCCO020");
    }

    [Fact]
    public void Branches_on_the_local_builder_disable_flow_claims()
    {
        Verify.NoDiagnostics(Code("""
            var builder = NccoBuilder.Create().Talk("Hi", bargeIn: true);
            if (n > 1) builder.Input(InputTypes.Dtmf, eventUrl: "https://e.com/x");
            builder.Wait();
            return builder.Build();
            """), Flow);
    }

    [Fact]
    public void Barge_in_followed_by_input_is_fine()
    {
        Verify.NoDiagnostics(Code("""
            return NccoBuilder.Create()
                .Talk("Hi", bargeIn: true)
                .Talk("Press 1")
                .Input(InputTypes.Dtmf, eventUrl: "https://e.com/x")
                .Build();
            """), Flow);
    }
}
