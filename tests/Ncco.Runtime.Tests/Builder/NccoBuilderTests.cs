using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Builder;

/// <summary>The builder's shape: .NET names in, wire names out, nested wire objects as settings records.</summary>
public class NccoBuilderTests
{
    [Fact]
    public void Simple_calls_stay_simple()
    {
        Assert.Equal("""[{"action":"talk","text":"Hello"},{"action":"wait"}]""", NccoBuilder.Create().Talk("Hello").Wait().Build().ToJson());
    }

    [Fact]
    public void Input_settings_records_are_written_as_the_wire_objects_with_their_wire_names()
    {
        var ncco = NccoBuilder.Create()
            .Input(InputTypes.Dtmf | InputTypes.Speech, "https://example.com/menu",
                dtmf: new() { MaxDigits = 2, Timeout = 5, SubmitOnHash = true },
                speech: new() { Language = "en-GB", Context = ["sales", "support"], StartTimeout = 4, Uuid = "leg-1" })
            .Build();

        Assert.Equal(
            """[{"action":"input","type":["dtmf","speech"],"dtmf":{"timeOut":5,"maxDigits":2,"submitOnHash":true},"speech":{"uuid":["leg-1"],"language":"en-GB","context":["sales","support"],"startTimeout":4},"eventUrl":["https://example.com/menu"]}]""",
            ncco.ToJson());
    }

    [Fact]
    public void Record_connect_and_conversation_options_use_dotnet_casing()
    {
        var ncco = NccoBuilder.Create()
            .Record(timeout: 60, endOnKey: '#', channels: 2, transcription: new() { Language = "en-GB" })
            .Connect(CallEndpoint.App("bob"), timeout: 30, eventType: ConnectEventType.Synchronous,
                advancedMachineDetection: new() { Mode = MachineDetectionMode.DetectBeep, BeepTimeout = 60 })
            .Conversation("room", record: true, transcription: new() { SentimentAnalysis = true })
            .Build();

        Assert.Equal(
            """[{"action":"record","split":"conversation","channels":2,"endOnKey":"#","timeOut":60,"transcription":{"language":"en-GB"}},"""
            + """{"action":"connect","endpoint":[{"type":"app","user":"bob"}],"eventType":"synchronous","timeout":30,"advancedMachineDetection":{"behavior":"continue","mode":"detect_beep","beep_timeout":60}},"""
            + """{"action":"conversation","name":"room","record":true,"transcription":{"sentimentAnalysis":true}}]""",
            ncco.ToJson());
        Assert.Equal(60, Assert.IsType<RecordAction>(ncco.Actions[0]).Timeout);
    }

    [Fact]
    public void Settings_that_contradict_the_input_type_are_a_build_error_not_dropped()
    {
        var error = Assert.Throws<NccoValidationException>(() =>
            NccoBuilder.Create().Input(InputTypes.Speech, "https://example.com/in", dtmf: new() { MaxDigits = 2 }).Build());

        Assert.Equal("/0/dtmf", Assert.Single(error.Errors).Pointer);
    }

    [Fact]
    public void Urls_must_be_absolute_and_the_parameter_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => NccoBuilder.Create().Input(InputTypes.Dtmf, "webhooks/menu"));

        Assert.Equal("eventUrl", error.ParamName);
    }

    [Fact]
    public void Custom_actions_are_accepted_by_the_builder_that_was_given_them()
    {
        var ncco = NccoBuilder.Create().Custom("beep", new { Times = 2 }).Talk("done").Build(new NccoValidationOptions { CustomActions = new HashSet<string> { "other" } });

        Assert.Equal("""[{"action":"beep","times":2},{"action":"talk","text":"done"}]""", ncco.ToJson());
        Assert.False(NccoDocument.TryParse(ncco.ToJson(), out _, out _));
        Assert.True(NccoDocument.TryParse(ncco.ToJson(), out _, out _, new NccoValidationOptions { CustomActions = new HashSet<string> { "beep" } }));
    }
}
