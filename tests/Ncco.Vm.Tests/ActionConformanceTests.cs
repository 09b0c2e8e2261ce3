using Ncco.Legs;
using Ncco.Model;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>Reference §1.2–1.11: each action's blocking semantics and options.</summary>
public class ActionConformanceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static double Seconds(DateTimeOffset t) => (t - T0).TotalSeconds;

    [Fact]
    public async Task Talk_blocks_for_loop_times_its_duration_and_passes_language_style_level()
    {
        var (sim, _) = Sim.With(NccoBuilder.Create().Talk("one two three four five", loop: 2, level: 0.5, language: "en-GB", style: 3).Talk("next"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("next");
        var first = call.Heard[0];
        Assert.Equal("en-GB", first.Playback.Language);
        Assert.Equal(3, first.Playback.Style);
        Assert.Equal(0.5, first.Playback.Level);
        Assert.Equal(4.0, Seconds(first.FinishedAt!.Value)); // 5 words × 0.4 s × 2 loops
        Assert.Equal(4.0, Seconds(call.Heard[1].At));
    }

    [Fact]
    public async Task Stream_blocks_and_loops()
    {
        var (sim, _) = Sim.With(NccoBuilder.Create().Stream("https://example.com/music.mp3", loop: 3).Talk("after"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("after");
        Assert.Equal(PlaybackKind.Stream, call.Heard[0].Playback.Kind);
        Assert.Equal(15.0, Seconds(call.Heard[1].At)); // 3 × default 5 s
    }

    [Fact]
    public async Task BargeIn_talk_does_not_block_and_a_key_press_stops_it()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", NccoBuilder.Create()
                .Talk("This is a very long menu prompt that goes on and on and on and on", bargeIn: true)
                .Input(InputTypes.Dtmf, eventUrl: "https://app.example/in", dtmf: new() { MaxDigits = 1 }).Build())
            .Map("/in", r => NccoBuilder.Create().Talk("You pressed " + r.Digits).Build())
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.StartsHearingAsync("long menu");
        await call.StaysSilentAsync(TimeSpan.FromSeconds(1));
        await call.PressAsync("7");
        await call.HearsAsync("You pressed 7");
        var prompt = call.Heard[0];
        Assert.True(prompt.Playback.BargeIn);
        Assert.Equal(1.0, Seconds(prompt.StoppedAt!.Value));
        Assert.Null(prompt.FinishedAt);
    }

    [Fact]
    public async Task BargeIn_is_sticky_until_an_input_and_queued_prompts_play_in_order()
    {
        var (sim, _) = Sim.With(NccoBuilder.Create()
            .Talk("first prompt", bargeIn: true)
            .Talk("second prompt", bargeIn: false)
            .Input(InputTypes.Dtmf, dtmf: new() { MaxDigits = 1 })
            .Talk("after input", bargeIn: false)
            .Talk("blocking again"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.StartsHearingAsync("second prompt");
        Assert.True(call.Heard[1].Playback.BargeIn); // sticky
        Assert.Equal(0.8, Seconds(call.Heard[1].At)); // after the first (2 words)
        await call.PressAsync("5");
        Assert.NotNull(call.Heard[1].StoppedAt);
        await call.HearsAsync("after input");
        Assert.False(call.Heard[2].Playback.BargeIn); // reset by input
    }

    [Fact]
    public async Task Input_timers_start_after_barge_in_audio_finished()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create()
            .Talk("one two three four five six seven eight nine ten", bargeIn: true) // 4 s
            .Input(InputTypes.Dtmf, dtmf: new() { Timeout = 3 }));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.EndsAsync();
        var input = app.Received.Single(r => r.Payload.TryGetProperty("dtmf", out _));
        Assert.Equal("2026-01-01T09:00:07.000Z", input.Field("timestamp"));
        Assert.Equal("true", input.Payload.GetProperty("dtmf").GetProperty("timed_out").GetRawText());
        Assert.Equal("", input.Digits);
    }

    [Theory]
    [InlineData("1234", 4, false, "1234", false)]
    [InlineData("12#", 10, true, "12", false)]
    [InlineData("12", 10, false, "12", true)]
    public async Task Dtmf_completion_rules(string keys, int maxDigits, bool submitOnHash, string expected, bool timedOut)
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Input(InputTypes.Dtmf, dtmf: new() { MaxDigits = maxDigits, SubmitOnHash = submitOnHash, Timeout = 5 }));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.PressAsync(keys);
        await call.EndsAsync();
        var input = app.Received.Single(r => r.Payload.TryGetProperty("dtmf", out _));
        Assert.Equal(expected, input.Digits);
        Assert.Equal(timedOut ? "true" : "false", input.Payload.GetProperty("dtmf").GetProperty("timed_out").GetRawText());
        Assert.Equal(timedOut ? 5.0 : 0.0, Seconds(DateTimeOffset.Parse(input.Field("timestamp")!, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Speech_input_reports_text_confidence_as_string_and_end_on_silence()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Input(InputTypes.Speech, speech: new() { EndOnSilence = 1.5, Context = ["sales", "support"] }));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.SaysAsync("I want sales", confidence: 0.87);
        await call.EndsAsync();
        var input = app.Received.Single(r => r.Payload.TryGetProperty("speech", out _));
        var speech = input.Payload.GetProperty("speech");
        Assert.Equal("I want sales", speech.GetProperty("results")[0].GetProperty("text").GetString());
        Assert.Equal("0.87", speech.GetProperty("results")[0].GetProperty("confidence").GetString());
        Assert.Equal("end_on_silence_timeout", speech.GetProperty("timeout_reason").GetString());
        Assert.Equal("null", input.Payload.GetProperty("dtmf").GetProperty("digits").GetRawText());
        Assert.Equal("2026-01-01T09:00:02.700Z", input.Field("timestamp")); // 3 words × 0.4 + 1.5
    }

    [Fact]
    public async Task Speech_start_timeout_and_max_duration()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Input(InputTypes.Speech, speech: new() { StartTimeout = 4 }).Input(InputTypes.Speech, speech: new() { MaxDuration = 2 }));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.StaysSilentAsync(TimeSpan.FromSeconds(4));
        await call.SaysAsync("a very long sentence that lasts more than two seconds for sure");
        await call.EndsAsync();
        var results = app.Received.Where(r => r.Payload.TryGetProperty("speech", out _)).Select(r => r.Payload.GetProperty("speech")).ToList();
        Assert.Equal("start_timeout", results[0].GetProperty("timeout_reason").GetString());
        Assert.Equal(0, results[0].GetProperty("results").GetArrayLength());
        Assert.Equal("max_duration", results[1].GetProperty("timeout_reason").GetString());
    }

    [Fact]
    public async Task Dtmf_and_speech_together_first_modality_wins()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Input(InputTypes.Dtmf | InputTypes.Speech, dtmf: new() { MaxDigits = 2 }).Input(InputTypes.Dtmf | InputTypes.Speech, dtmf: new() { MaxDigits = 2 }));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.PressAsync("4");
        await call.SaysAsync("ignored because digits came first");
        await call.PressAsync("2");
        await call.SaysAsync("billing");
        await call.PressAsync("9"); // ignored: speech came first
        await call.EndsAsync();
        var inputs = app.Received.Where(r => r.Payload.TryGetProperty("dtmf", out _)).ToList();
        Assert.Equal("42", inputs[0].Digits);
        Assert.Equal("billing", inputs[1].SpeechText);
    }

    [Fact]
    public async Task Asynchronous_input_posts_each_digit_and_does_not_block()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Input(InputTypes.Dtmf, eventUrl: "https://app.example/digits", mode: InputMode.Asynchronous).Talk("still talking while you type", loop: 3));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.StartsHearingAsync("still talking");
        await call.PressAsync("1");
        await call.PressAsync("2");
        await call.EndsAsync();
        Assert.Equal(["1", "2"], app.Received.Where(r => r.Path == "/digits").Select(r => r.Digits!));
    }

    [Fact]
    public async Task Wait_pauses_for_its_timeout()
    {
        var (sim, _) = Sim.With(NccoBuilder.Create().Wait(2.5).Talk("a").Wait(0.1).Talk("b"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("b");
        Assert.Equal(2.5, Seconds(call.Heard[0].At));
        Assert.Equal(3.1, Seconds(call.Heard[1].At), 3); // 2.5 + 0.5 (talk) + 0.1
    }

    [Fact]
    public async Task Notify_posts_payload_blocks_and_may_replace_or_continue()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", NccoBuilder.Create()
                .Notify(new { step = "one" }, "https://app.example/notify")
                .Talk("after first notify")
                .Notify(new { step = "two" }, "https://app.example/notify")
                .Talk("not reached").Build())
            .Map("/notify", r => r.Payload.GetProperty("payload").GetProperty("step").GetString() == "two" ? NccoBuilder.Create().Talk("replaced").Build() : null)
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("after first notify");
        await call.HearsAsync("replaced");
        await call.EndsAsync();
        Assert.DoesNotContain(call.Heard, h => h.Playback.Text == "not reached");
        var n = app.Received.First(r => r.Path == "/notify");
        Assert.Equal(call.ConversationUuid, n.Field("conversation_uuid"));
        Assert.NotNull(n.Field("timestamp"));
    }

    [Fact]
    public async Task Unknown_custom_action_gets_a_user_handler()
    {
        var options = new Validation.NccoValidationOptions { CustomActions = new HashSet<string> { "beep3" } };
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"beep3"},{"action":"talk","text":"done"}]""")
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app, o =>
        {
            o.Validation = options;
            o.Handlers(h => h.Register("beep3", async (ctx, ct) =>
            {
                for (var i = 0; i < 3; i++) await ctx.Leg.PlayAsync(ctx.Leg.NewPlayback(PlaybackKind.Beep), ct);
                return Interpreter.ActionOutcome.Next;
            }));
        });
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("done");
        Assert.Equal(3, call.Heard.Count(h => h.Playback.Kind == PlaybackKind.Beep));
        Assert.Equal(1.5, Seconds(call.Heard[3].At));
    }
}
