using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>Failure messages fit on a screen: repeats collapsed, loops caught early, the whole log in a file.</summary>
public class FailureMessageTests
{
    // A menu that asks again, the same way, every time nothing is pressed: the app loops for ever.
    private const string Menu = """
        [{"action":"talk","text":"Welcome to Acme. Press 1 for sales."},
         {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":5},"eventUrl":["https://app.example/menu"]}]
        """;

    private static WebhookApp LoopingApp() => new WebhookApp()
        .Map("/webhooks/answer", _ => Menu)
        .Map("/menu", _ => Menu)
        .Map("/webhooks/event", _ => null);

    [Fact]
    public async Task A_wrong_greeting_in_a_looping_app_fails_early_with_a_short_message_and_the_full_log_in_a_file()
    {
        var logs = Path.Combine(Path.GetTempPath(), "ncco-failure-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var sim = VoiceSimulator.Start(LoopingApp(), o => o.LogDirectory = logs);
            var call = await sim.CallAsync("447700900001", "447700900000");
            var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.HearsAsync("Welcome to the pharmacy").AsTask());
            Assert.Contains("but the app is looping: the same prompt played 10 times in a row with nothing else pending", e.Message, StringComparison.Ordinal);
            Assert.Contains("talk \"Welcome to Acme. Press 1 for sales.\"\n  … ×10 in all, until +01:", e.Message, StringComparison.Ordinal);
            Assert.True(sim.Now - sim.Options.StartTime < TimeSpan.FromMinutes(2), "it gave up long before the 10-minute timeout");
            Assert.True(e.Message.Split('\n').Length < 80, $"{e.Message.Split('\n').Length} lines:\n{e.Message}");
            Assert.True(e.Message.Length < 8000, $"{e.Message.Length} characters");
            Assert.Contains("×", e.Message.Split("Call log")[1], StringComparison.Ordinal); // the log collapses the cycle too
            var path = e.Message.Split("Full call log with webhook payloads: ")[1].Trim();
            Assert.StartsWith(logs, path, StringComparison.Ordinal);
            Assert.EndsWith("FailureMessageTests.cs-28.calllog.txt", path, StringComparison.Ordinal);
            var full = await File.ReadAllTextAsync(path);
            Assert.Contains("\"dtmf\":{\"digits\":", full, StringComparison.Ordinal); // payloads are in the file
        }
        finally
        {
            if (Directory.Exists(logs)) Directory.Delete(logs, recursive: true);
        }
    }

    [Fact]
    public async Task A_prompt_that_never_came_because_the_answer_ncco_was_invalid_says_so_in_the_first_line()
    {
        // The legacy input (no type, maxDigits on the action) of old guides: the call ends at once with an error.
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"talk","text":"Please enter a digit."},{"action":"input","maxDigits":1,"eventUrl":["https://app.example/dtmf"]}]""")
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app, o => o.LogDirectory = Path.Combine(Path.GetTempPath(), "ncco-failure-" + Guid.NewGuid().ToString("N")));
        try
        {
            var call = await sim.CallAsync("447700900001", "447700900000");
            var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.HearsAsync("Please enter a digit").AsTask());
            var first = e.Message.Split('\n')[0];
            Assert.Contains("but the call ended at +00:00.000 after an error: Invalid NCCO: /1 required: \"type\" is required", first, StringComparison.Ordinal);
            // The misplaced setting's warning says where it belongs.
            Assert.Contains("unknown property \"maxDigits\" on the input action; it belongs inside \"dtmf\": { \"maxDigits\": … }", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(sim.Options.LogDirectory)) Directory.Delete(sim.Options.LogDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_call_that_went_on_after_an_error_does_not_blame_it_for_the_end()
    {
        // The input's webhook answers an invalid NCCO: the error is logged, the call carries on with the next action,
        // then ends normally.
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1},"eventUrl":["https://app.example/menu"]},{"action":"talk","text":"Goodbye."}]""")
            .Map("/menu", _ => """[{"action":"talk"}]""")
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app, o => o.LogDirectory = Path.Combine(Path.GetTempPath(), "ncco-failure-" + Guid.NewGuid().ToString("N")));
        try
        {
            var call = await sim.CallAsync("447700900001", "447700900000");
            await call.PressAsync("1");
            await call.HearsAsync("Goodbye");
            Assert.Contains(sim.Log.Entries, entry => entry.Activity == Ncco.Calls.VmActivity.Error);
            var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.HearsAsync("Thanks").AsTask());
            var first = e.Message.Split('\n')[0];
            Assert.Contains("but the call ended at +00:", first, StringComparison.Ordinal);
            Assert.DoesNotContain("after an error", first, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(sim.Options.LogDirectory)) Directory.Delete(sim.Options.LogDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Keys_pressed_before_the_input_starts_are_logged_as_lost()
    {
        // The talk has no bargeIn: keys pressed while it plays reach no input (as on the platform), and the input then
        // times out empty; the call log says why instead of only showing the presses and an empty result.
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"talk","text":"Enter a code."},{"action":"input","type":["dtmf"],"eventUrl":["https://app.example/code"]},{"action":"talk","text":"Goodbye."}]""")
            .Map("/code", _ => null)
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.StartsHearingAsync("Enter a code");
        await call.PressAsync("12");
        await sim.WebhookAsync("/code", w => string.IsNullOrEmpty(w.Digits));
        await call.StartsHearingAsync("Goodbye");
        await call.PressAsync("3");   // the input has ended and nothing else takes keys
        await call.EndsAsync();
        // Acting on a call that has ended says so in plain words.
        var late = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.PressAsync("4").AsTask());
        Assert.StartsWith("caller presses 4, but the call already ended at +00:", late.Message, StringComparison.Ordinal);
        var presses = sim.Log.Entries.Where(e => e.Text.StartsWith("pressed ", StringComparison.Ordinal)).Select(e => e.Text).ToList();
        Assert.Equal(["pressed 1 (lost: no input or record is taking keys)", "pressed 2 (lost: no input or record is taking keys)",
            "pressed 3 (lost: no input or record is taking keys)"], presses);
    }

    [Fact]
    public async Task Keys_pressed_while_an_input_runs_are_logged_plainly()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":2},"eventUrl":["https://app.example/code"]}]""")
            .Map("/code", _ => null)
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.PressAsync("12");
        await sim.WebhookAsync("/code", w => w.Digits == "12");
        Assert.Equal(["pressed 1", "pressed 2"], sim.Log.Entries.Where(e => e.Text.StartsWith("pressed ", StringComparison.Ordinal)).Select(e => e.Text));
    }

    [Fact]
    public async Task Loop_detection_can_be_turned_off_then_the_timeout_applies()
    {
        await using var sim = VoiceSimulator.Start(LoopingApp(), o =>
        {
            o.LoopLimit = 0;
            o.LogDirectory = Path.Combine(Path.GetTempPath(), "ncco-failure-" + Guid.NewGuid().ToString("N"));
        });
        var call = await sim.CallAsync("447700900001", "447700900000");
        var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.HearsAsync("Welcome to the pharmacy", within: TimeSpan.FromMinutes(3)).AsTask());
        Assert.Contains("virtual time limit reached", e.Message, StringComparison.Ordinal);
        Assert.Contains("… ×", e.Message, StringComparison.Ordinal);
        Directory.Delete(sim.Options.LogDirectory, recursive: true);
    }

    [Fact]
    public async Task A_prompt_repeated_fewer_times_than_the_limit_is_waited_for()
    {
        var rounds = 0;
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => Menu)
            .Map("/menu", _ => ++rounds < 6 ? Menu : """[{"action":"talk","text":"Transferring you to an agent"}]""")
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Transferring you to an agent");
    }

    [Fact]
    public async Task An_app_timer_pending_means_the_app_is_not_plainly_looping()
    {
        await using var sim = VoiceSimulator.Start(LoopingApp(), o => o.LogDirectory = Path.Combine(Path.GetTempPath(), "ncco-failure-" + Guid.NewGuid().ToString("N")));
        using var appTimer = sim.Clock.CreateTimer(_ => { }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        var call = await sim.CallAsync("447700900001", "447700900000");
        var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.HearsAsync("Welcome to the pharmacy", within: TimeSpan.FromMinutes(3)).AsTask());
        Assert.DoesNotContain("looping", e.Message, StringComparison.Ordinal);
        Directory.Delete(sim.Options.LogDirectory, recursive: true);
    }
}
