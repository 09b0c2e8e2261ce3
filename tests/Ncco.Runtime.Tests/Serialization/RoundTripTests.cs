using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Serialization;

public class RoundTripTests
{
    [Fact]
    public void Legacy_spellings_are_read_and_the_documented_ones_written()
    {
        var document = NccoDocument.Parse("""
            [{"action":"connect","advanced_machine_detection":{"behavior":"hangup","mode":"detect_beep","beep_timeout":"60"},
              "timeout":"30","endpoint":[{"type":"sip","uri":"sip:a@b.example","standard_headers":{"User-to-User":"aa"}}]},
             {"action":"talk","text":"hello","voiceName":"Amy"}]
            """);

        var json = document.ToJson();

        Assert.Equal(
            """[{"action":"connect","endpoint":[{"type":"sip","uri":"sip:a@b.example","standardHeaders":{"User-to-User":"aa"}}],"timeout":30,"advancedMachineDetection":{"behavior":"hangup","mode":"detect_beep","beep_timeout":60}},{"action":"talk","text":"hello","language":"en-GB"}]""",
            json);
        Assert.Equal(document, NccoDocument.Parse(json));
    }

    [Fact]
    public void Builder_output_round_trips_and_validates()
    {
        var ncco = NccoBuilder.Create()
            .Talk("Welcome", bargeIn: true)
            .Input(InputTypes.Dtmf | InputTypes.Speech, eventUrl: "https://example.com/in", dtmf: new() { MaxDigits = 1 }, speech: new() { Context = ["sales", "support"] })
            .Connect(CallEndpoint.Phone("447700900001"), timeout: 20, eventType: ConnectEventType.Synchronous)
            .Build();

        var reparsed = NccoDocument.Parse(ncco.ToJson());

        Assert.Equal(ncco, reparsed);
        var input = Assert.IsType<InputAction>(reparsed.Actions[1]);
        Assert.Equal(1, input.Dtmf!.MaxDigits);
        Assert.Equal(["sales", "support"], input.Speech!.Context);
    }

    [Fact]
    public void Builder_reports_every_mistake_at_build()
    {
        var builder = NccoBuilder.Create().Talk("hi", loop: -2).Wait(9000);

        var error = Assert.Throws<NccoValidationException>(() => builder.Build());

        Assert.Equal(["/0/loop", "/1/timeout"], error.Errors.Select(e => e.Pointer));
    }
}
