using Ncco.Model;
using Ncco.Testing;

namespace Ncco.Vm.Tests;

public class TalkAndInputTests
{
    [Fact]
    public async Task Caller_hears_talk_and_the_call_ends_when_the_ncco_is_exhausted()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Talk("Welcome to Acme"));
        await using var _ = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("welcome to acme");
        await call.EndsAsync();
        Assert.Equal(["started", "ringing", "answered", "completed"], app.Statuses());
        var completed = app.StatusEvents().Last();
        Assert.Equal("platform", completed.Field("disconnected_by"));
        Assert.Equal("inbound", completed.Field("direction"));
        Assert.Equal("2026-01-01T09:00:00.000Z", completed.Field("start_time"));
        Assert.Equal("2026-01-01T09:00:01.200Z", completed.Field("end_time"));
    }

    [Fact]
    public async Task Dtmf_input_posts_digits_and_the_returned_ncco_replaces_the_rest()
    {
        var app = new Ncco.Testing.Hosting.WebhookApp()
            .Map("/webhooks/answer", NccoBuilder.Create().Talk("Press 1 for sales").Input(InputTypes.Dtmf, eventUrl: "https://app.example/ivr", dtmf: new() { MaxDigits = 1 }).Talk("never said").Build())
            .Map("/ivr", r => r.Digits == "1" ? NccoBuilder.Create().Talk("Connecting you to sales").Build() : null)
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Press 1");
        await call.PressAsync("1");
        await call.HearsAsync("sales");
        await call.EndsAsync();
        Assert.DoesNotContain(call.Heard, h => h.Playback.Text == "never said");
        var input = app.Received.Single(r => r.Path == "/ivr");
        Assert.Equal("1", input.Digits);
        Assert.Equal("false", input.Payload.GetProperty("dtmf").GetProperty("timed_out").GetRawText());
        Assert.Equal(0, input.Payload.GetProperty("speech").GetProperty("results").GetArrayLength());
    }
}

/// <summary><c>input.speech.uuid</c>: recognising another party of the conversation.</summary>
public class SpeechUuidTests
{
    [Fact]
    public async Task An_agent_whisper_input_recognises_the_caller_named_by_speech_uuid()
    {
        string? callerUuid = null;
        var app = new Ncco.Testing.Hosting.WebhookApp()
            .Map("/webhooks/answer", NccoBuilder.Create().Connect(new Model.Endpoints.PhoneEndpoint("447700900099")
            {
                OnAnswer = new Model.Endpoints.OnAnswer(new Uri("https://app.example/whisper")),
            }).Build())
            .Map("/whisper", _ => NccoBuilder.Create().Input(InputTypes.Speech, eventUrl: "https://app.example/heard", speech: new() { Uuid = callerUuid }).Build())
            .Map("/heard", _ => null)
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        callerUuid = call.Uuid;
        var agent = await sim.ExpectOutboundCallAsync();
        await agent.AnswerAsync();
        await agent.SaysAsync("this is the agent"); // not the leg being listened to
        await call.SaysAsync("I want sales");
        await sim.AdvanceAsync(TimeSpan.FromSeconds(5));
        var heard = app.Received.Single(r => r.Path == "/heard");
        Assert.Equal("I want sales", heard.Payload.GetProperty("speech").GetProperty("results")[0].GetProperty("text").GetString());
        Assert.Equal(agent.Uuid, heard.Payload.GetProperty("uuid").GetString());
    }

    [Fact]
    public async Task A_speech_uuid_naming_no_leg_of_the_conversation_completes_the_input_with_an_error_naming_the_field()
    {
        var app = new Ncco.Testing.Hosting.WebhookApp()
            .Map("/webhooks/answer", NccoBuilder.Create().Input(InputTypes.Speech, eventUrl: "https://app.example/heard", speech: new() { Uuid = "3f9b0a4e-0000-4000-8000-000000000000" }).Build())
            .Map("/heard", _ => null)
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.EndsAsync();
        var heard = app.Received.Single(r => r.Path == "/heard");
        var error = heard.Payload.GetProperty("speech").GetProperty("error").GetString();
        Assert.StartsWith("speech.uuid: 3f9b0a4e-0000-4000-8000-000000000000", error, StringComparison.Ordinal);
        Assert.Equal(0, heard.Payload.GetProperty("speech").GetProperty("results").GetArrayLength());
    }
}
