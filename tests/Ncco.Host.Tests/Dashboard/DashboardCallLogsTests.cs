using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ncco.Calls;
using Ncco.Events;
using Ncco.Host.Dashboard;
using Ncco.Host.Tests.Support;
using Ncco.Model;
using Ncco.Webhooks;

namespace Ncco.Host.Tests.Dashboard;

/// <summary>
/// Issue 16: the dashboard's call logs are bounded in legs (<c>Ncco:Dashboard:MaxCallLogs</c>) and, per leg, in entries
/// and bytes (<c>MaxLogEntriesPerLeg</c>, <c>MaxLogBytesPerLeg</c>), keeping each leg's start and end and saying what
/// was left out, whatever a hostile NCCO or webhook does (10,000 events on one leg, a webhook answering a mebibyte).
/// </summary>
public sealed class DashboardCallLogsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static DashboardCallLogs Logs(int legs = 200, int entries = 1000, long bytes = 256 * 1024) =>
        new(TimeProvider.System, Options.Create(new DashboardOptions { MaxCallLogs = legs, MaxLogEntriesPerLeg = entries, MaxLogBytesPerLeg = bytes }));

    private static WebhookRequest EventRequest(string json) =>
        new(new Uri("https://app.example/events?secret=1"), WebhookMethod.Post, WebhookKind.Event, Encoding.UTF8.GetBytes(json),
            new NotifyEvent { ConversationUuid = "CON-1", Payload = default }) { PayloadJson = json };

    [Fact]
    public void Ten_thousand_events_on_one_leg_keep_its_start_its_end_the_newest_and_a_count_of_what_was_left_out()
    {
        var logs = Logs(entries: 100);
        logs.OnActivity(T0, "leg-1", VmActivity.Status, "started");
        for (var i = 0; i < 10_000; i++) logs.OnActivity(T0.AddMilliseconds(i + 1), "leg-1", VmActivity.Action, $"notify #{i}");
        logs.OnActivity(T0.AddSeconds(20), "leg-1", VmActivity.Status, "completed");

        var entries = logs.Find("leg-1")!.Entries.ToList();
        Assert.Equal(101, entries.Count); // the cap, plus the note of what was left out
        Assert.Equal("started", entries[0].Text);
        Assert.Equal("completed", entries[^1].Text);
        Assert.Equal("notify #9999", entries[^2].Text);
        var note = Assert.Single(entries, e => e.Activity == VmActivity.Warning);
        Assert.Equal(1, entries.IndexOf(note)); // where the entries were left out: after the start
        Assert.StartsWith("dashboard log: 9902 earlier entries of this leg (", note.Text, StringComparison.Ordinal);
        Assert.Contains("Ncco:Dashboard:MaxLogEntriesPerLeg=100", note.Text, StringComparison.Ordinal);
        Assert.Equal(9902, logs.Dropped("leg-1").Entries);
        Assert.Equal("notify #9902", entries[2].Text);
    }

    [Fact]
    public void The_log_holds_at_most_its_cap_of_the_strings_it_was_given()
    {
        // Memory, not bookkeeping: weak references to every message show how many the log really keeps alive.
        var logs = Logs(entries: 50);
        var messages = Feed(logs, 10_000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.True(messages.Count(m => m.TryGetTarget(out _)) <= 50, $"{messages.Count(m => m.TryGetTarget(out _))} messages alive");
        GC.KeepAlive(logs);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference<string>> Feed(DashboardCallLogs logs, int count)
    {
        var messages = new List<WeakReference<string>>(count);
        for (var i = 0; i < count; i++)
        {
            var text = new string('x', 200) + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            messages.Add(new WeakReference<string>(text));
            logs.OnActivity(T0.AddMilliseconds(i), "leg-1", VmActivity.Played, text);
        }
        return messages;
    }

    [Fact]
    public void A_webhook_answering_a_mebibyte_is_kept_as_its_first_bytes_and_the_body_itself_is_let_go()
    {
        var logs = Logs();
        var body = Answer(logs);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(body.TryGetTarget(out _), "the 1 MiB response body is still referenced");

        var entry = Assert.Single(logs.Find("leg-1")!.Entries);
        Assert.True(entry.Response!.Body.Length <= DashboardLegLog.MaxResponseBytes, entry.Response.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("POST https://app.example/events event {", entry.Text, StringComparison.Ordinal);
        Assert.Empty(entry.Request!.Body);
        Assert.True(logs.Bytes < 4096, logs.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<byte[]> Answer(DashboardCallLogs logs)
    {
        var body = Encoding.UTF8.GetBytes("[" + new string(' ', 1024 * 1024) + "]");
        logs.OnWebhook(T0, "leg-1", EventRequest("""{"status":"x"}"""), new WebhookResponse(200, body));
        return new WeakReference<byte[]>(body);
    }

    [Fact]
    public void Large_payloads_are_cut_and_the_byte_cap_holds_however_many_arrive()
    {
        var logs = Logs(bytes: 64 * 1024);
        var big = "{\"payload\":\"" + new string('p', 20_000) + "\"}";
        for (var i = 0; i < 1000; i++) logs.OnWebhook(T0.AddMilliseconds(i), "leg-1", EventRequest(big), WebhookResponse.Status(204));

        Assert.True(logs.Bytes <= 64 * 1024, logs.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var entries = logs.Find("leg-1")!.Entries;
        var webhook = entries.First(e => e.IsWebhook);
        Assert.Contains("more characters not kept", webhook.Request!.PayloadJson, StringComparison.Ordinal);
        Assert.True(webhook.Request.PayloadJson.Length < 4200);
        Assert.IsType<OversizedPayload>(webhook.Request.Payload);
        Assert.DoesNotContain("secret", webhook.Request.Uri.ToString(), StringComparison.Ordinal);
        Assert.True(logs.Dropped("leg-1").Entries > 900);
        Assert.Contains(entries, e => e.Activity == VmActivity.Warning && e.Text.Contains("MaxLogBytesPerLeg=65536", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_the_most_recent_legs_are_kept()
    {
        var logs = Logs(legs: 3);
        for (var i = 1; i <= 5; i++) logs.OnActivity(T0, $"leg-{i}", VmActivity.Status, "started");

        Assert.Equal(["leg-5", "leg-4", "leg-3"], logs.Recent);
        Assert.Null(logs.Find("leg-1"));
        Assert.Equal(3, logs.Capacity);
    }

    [Theory]
    [InlineData("--Ncco:Dashboard:MaxCallLogs=0", "Ncco:Dashboard:MaxCallLogs is 0: it must be a number of legs from 1 to 100000 (default 200).")]
    [InlineData("--Ncco:Dashboard:MaxLogEntriesPerLeg=-5", "Ncco:Dashboard:MaxLogEntriesPerLeg is -5: it must be a number of entries from 10 to 1000000 (default 1000).")]
    [InlineData("--Ncco:Dashboard:MaxLogBytesPerLeg=100", "Ncco:Dashboard:MaxLogBytesPerLeg is 100: it must be a number of bytes from 16384 to 67108864 (default 262144).")]
    public async Task A_cap_out_of_range_stops_the_start_naming_the_key_and_its_range(string arg, string failure)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await TestHostFixture.StartAsync(extraArgs: arg);
        });
        Assert.Equal(failure, Assert.Single(error.Failures));
    }

    [Fact]
    public async Task An_unreadable_cap_stops_the_start_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await TestHostFixture.StartAsync(extraArgs: "--Ncco:Dashboard:MaxLogBytesPerLeg=lots");
        });
        Assert.Contains(error.Failures, f => f.StartsWith("Ncco:Dashboard:MaxLogBytesPerLeg 'lots' is not valid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_leg_over_its_entry_cap_keeps_its_start_and_end_and_the_timeline_says_what_was_left_out()
    {
        await using var h = await VoiceApiHarness.StartAsync(configure: null, extraArgs: ["--Ncco:Calls:RateLimitPerSecond=0", "--Ncco:Dashboard:MaxLogEntriesPerLeg=20"]);
        var notify = Enumerable.Range(0, 40).Select(i => new { action = "notify", payload = new { step = i }, eventUrl = new[] { h.App.Url("notify").ToString() } }).ToArray();
        var uuid = await h.CreateCallAsync(notify);
        await h.App.WaitForStatusAsync(uuid, "completed");

        var timeline = await Eventually(h, uuid, t => t.GetProperty("entries").EnumerateArray().Any(e => e.GetProperty("text").GetString()!.Contains("completed", StringComparison.Ordinal)));
        var entries = timeline.GetProperty("entries").EnumerateArray().Select(e => (Kind: e.GetProperty("kind").GetString()!, Text: e.GetProperty("text").GetString()!)).ToList();
        Assert.True(entries.Count <= 21, string.Join("\n", entries));
        Assert.Contains(entries, e => e.Text.Contains("started", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Kind == "warning" && e.Text.StartsWith("dashboard log: ", StringComparison.Ordinal) && e.Text.Contains("MaxLogEntriesPerLeg=20", StringComparison.Ordinal));
        // The newest detail is still there: the last notify's webhook.
        Assert.Contains(entries, e => e.Kind == "webhook" && e.Text.Contains("\"step\":39", StringComparison.Ordinal));
        var truncated = Assert.Single(timeline.GetProperty("log_truncated").EnumerateArray());
        Assert.Equal(uuid, truncated.GetProperty("uuid").GetString());
        Assert.True(truncated.GetProperty("entries_dropped").GetInt64() > 40, truncated.ToString());
    }

    [Fact]
    public async Task A_webhook_answering_a_mebibyte_costs_the_dashboard_a_few_kilobytes()
    {
        await using var h = await VoiceApiHarness.StartAsync(configure: null, extraArgs: ["--Ncco:Calls:RateLimitPerSecond=0", "--Ncco:Webhooks:MaxResponseBytes=2097152"]);
        // A valid NCCO padded to 1 MiB (JSON allows the whitespace): read whole, run, and logged cut.
        h.App.Ncco("/answer", """[{"action":"talk","text":"hi"}""" + new string(' ', 1024 * 1024) + "]");
        var reply = await h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            answer_url = new[] { h.App.Url("answer").ToString() },
        });
        Assert.Equal(201, reply.Status);
        var uuid = reply.Body.GetProperty("uuid").GetString()!;
        await h.App.WaitForStatusAsync(uuid, "completed");

        var timeline = await Eventually(h, uuid, t => t.GetProperty("entries").EnumerateArray().Any(e => e.GetProperty("text").GetString()!.Contains("/answer", StringComparison.Ordinal)));
        var answer = timeline.GetProperty("entries").EnumerateArray().First(e => e.GetProperty("text").GetString()!.Contains("/answer", StringComparison.Ordinal));
        Assert.True(answer.GetProperty("text").GetString()!.Length < 1000, answer.ToString());
        var logs = h.Host.Services.GetRequiredService<DashboardCallLogs>();
        Assert.True(logs.Bytes < 64 * 1024, logs.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var metrics = await h.Host.Client.GetFromJsonAsync<JsonElement>("/dashboard/api/metrics");
        Assert.True(metrics.GetProperty("call_logs_bytes").GetInt64() < 64 * 1024, metrics.ToString());
    }

    private static async Task<JsonElement> Eventually(VoiceApiHarness h, string uuid, Func<JsonElement, bool> done)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var timeline = await h.Host.Client.GetFromJsonAsync<JsonElement>($"/dashboard/api/calls/{uuid}");
            if (done(timeline) || waited.Elapsed > TimeSpan.FromSeconds(20)) return timeline;
            await Task.Delay(100);
        }
    }
}
