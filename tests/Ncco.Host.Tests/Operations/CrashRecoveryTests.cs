using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Calls;
using Ncco.Host.Operations;
using Ncco.Host.Recordings;
using Ncco.Host.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Host.Tests.Operations;

/// <summary>
/// Issue 16, "after a crash nothing is cleaned up": a run killed mid-call leaves calls live in the store and a
/// <c>*.partial.wav</c> with its claim in the recordings folder. These tests leave exactly that state behind (the
/// rows and files a killed host leaves) and start a host on it.
/// </summary>
public sealed class CrashRecoveryTests
{
    private static readonly DateTimeOffset Crash = new(2026, 11, 21, 11, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Calls_left_live_are_ended_as_dropped_calls_and_reported_to_their_application()
    {
        await using var h = await VoiceApiHarness.StartAsync();
        var answered = new CallRecord(Guid.NewGuid().ToString("D"), h.ApplicationId, "CON-" + Guid.NewGuid(), "inbound", "answered",
            CallParty.Of("phone", "447700900000"), Crash.AddMinutes(-3))
        {
            From = CallParty.Of("phone", "447700900001"),
            StartTime = Crash.AddMinutes(-3).AddSeconds(2),
        };
        var ringing = new CallRecord(Guid.NewGuid().ToString("D"), h.ApplicationId, "CON-" + Guid.NewGuid(), "outbound", "ringing",
            CallParty.Of("phone", "447700900002"), Crash.AddMinutes(-1));
        var orphan = new CallRecord(Guid.NewGuid().ToString("D"), Guid.NewGuid().ToString("D"), "CON-" + Guid.NewGuid(), "inbound", "answered",
            CallParty.Of("phone", "447700900000"), Crash.AddMinutes(-2)) { StartTime = Crash.AddMinutes(-2) };
        // The last thing the killed run wrote: an input event 10 s before it died.
        await h.Calls.WriteAsync([answered, ringing, orphan], [new CallEventRecord(answered.Uuid, Crash.AddSeconds(-10), "input", "{}")], CancellationToken.None);

        var directory = h.Host.DataDirectory;
        await h.Host.DisposeAsync();
        await using var restarted = await TestHostFixture.StartAsync(directory);
        var recovery = restarted.Services.GetRequiredService<CrashRecovery>();
        Assert.Equal(3, recovery.CallsRecovered);
        var calls = restarted.Services.GetRequiredService<ICallRepository>();

        var done = await calls.FindAsync(answered.Uuid, CancellationToken.None);
        Assert.Equal("completed", done!.Status);
        Assert.Equal(Crash.AddSeconds(-10), done.EndTime);
        var failed = await calls.FindAsync(ringing.Uuid, CancellationToken.None);
        Assert.Equal("failed", failed!.Status);
        Assert.Equal(Crash.AddSeconds(-10), failed.EndTime);
        Assert.Equal("completed", (await calls.FindAsync(orphan.Uuid, CancellationToken.None))!.Status);
        Assert.Empty(await calls.ListUnfinishedAsync(CancellationToken.None));

        await recovery.WebhooksSent;
        var completed = h.App.All.Single(w => WebhookAppServer.IsStatus(w, answered.Uuid, "completed")).Json!.Value;
        Assert.Equal("platform", completed.GetProperty("disconnected_by").GetString());
        Assert.Equal("168", completed.GetProperty("duration").GetString());
        Assert.Equal("2026-11-21T10:59:50.000Z", completed.GetProperty("end_time").GetString());
        Assert.Equal(answered.ConversationUuid, completed.GetProperty("conversation_uuid").GetString());
        var failure = h.App.All.Single(w => WebhookAppServer.IsStatus(w, ringing.Uuid, "failed")).Json!.Value;
        Assert.Equal("internal_error", failure.GetProperty("detail").GetString());
        // The history records what was sent; a second start has nothing left to do.
        await WaitAsync(async () => (await calls.EventsAsync(answered.Uuid, CancellationToken.None)).Any(e => e.Kind == "completed"));
        Assert.Contains((await calls.EventsAsync(orphan.Uuid, CancellationToken.None)), e => e.Kind == "completed" && e.Payload is null);
        await using var again = await RestartAsync(restarted);
        Assert.Equal(0, again.Services.GetRequiredService<CrashRecovery>().CallsRecovered);
    }

    [Fact]
    public async Task A_readable_partial_recording_is_adopted_and_an_unreadable_one_is_reported_failed()
    {
        await using var h = await VoiceApiHarness.StartAsync();
        var store = h.Host.Services.GetRequiredService<RecordingStore>();
        Directory.CreateDirectory(store.Directory);
        var conversation = "CON-" + Guid.NewGuid();
        var leg = Guid.NewGuid().ToString("D");

        // A recording killed after 2 s: the header was last rewritten after 1 s, the rest is audio it does not count.
        var readable = Guid.NewGuid().ToString("D");
        var readablePath = Path.Combine(store.Directory, readable + ".mp3");
        WriteKilledWav(readablePath + ".partial.wav", headerSeconds: 1, audioSeconds: 2);
        store.WriteClaim(readablePath, new RecordingClaim
        {
            ApplicationId = h.ApplicationId,
            ConversationUuid = conversation,
            LegUuid = leg,
            EventUrl = h.App.Url("recordings").ToString(),
            EventMethod = "POST",
            StartedAt = Crash.AddSeconds(-2),
        });
        // One killed before its first header was written: nothing to adopt.
        var broken = Guid.NewGuid().ToString("D");
        var brokenPath = Path.Combine(store.Directory, broken + ".wav");
        await File.WriteAllBytesAsync(brokenPath + ".partial.wav", [0x52, 0x49, 0x46]);
        store.WriteClaim(brokenPath, new RecordingClaim { ApplicationId = h.ApplicationId, ConversationUuid = conversation, StartedAt = Crash });

        var directory = h.Host.DataDirectory;
        await h.Host.DisposeAsync();
        await using var restarted = await TestHostFixture.StartAsync(directory);
        var recovery = restarted.Services.GetRequiredService<CrashRecovery>();
        Assert.Equal(1, recovery.RecordingsAdopted);
        Assert.Equal(1, recovery.RecordingsFailed);

        await recovery.WebhooksSent;
        var record = h.App.All.Single(w => w.Path == "/recordings").Json!.Value;
        Assert.EndsWith("/v1/files/" + readable, record.GetProperty("recording_url").GetString(), StringComparison.Ordinal);
        Assert.Equal(conversation, record.GetProperty("conversation_uuid").GetString());
        var file = await restarted.Services.GetRequiredService<RecordingStore>().FindAsync(readable, CancellationToken.None);
        Assert.NotNull(file);
        Assert.Equal(h.ApplicationId, file.Info.ApplicationId);
        Assert.Equal(file.Length, record.GetProperty("size").GetInt64());
        var (info, samples) = WavReader.ReadAll(file.Path);
        Assert.Equal(16000, info.SampleRate);
        Assert.Equal(32000, samples.Length); // every sample written, not only what the stale header counted
        Assert.False(info.WasTruncated);

        var error = h.App.All.Single(w => w.Path == "/events" && w.Body.Contains("Recording failed", StringComparison.Ordinal)).Json!.Value;
        Assert.Equal(conversation, error.GetProperty("conversation_uuid").GetString());
        Assert.Null(await restarted.Services.GetRequiredService<RecordingStore>().FindAsync(broken, CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(store.Directory, "*.partial.*"));
    }

    private static async Task<TestHostFixture> RestartAsync(TestHostFixture host)
    {
        var directory = host.DataDirectory;
        await host.DisposeAsync();
        return await TestHostFixture.StartAsync(directory);
    }

    private static void WriteKilledWav(string path, int headerSeconds, int audioSeconds)
    {
        using (var stream = new FileStream(path, FileMode.Create))
        using (var writer = new WavWriter(stream, 16000, 1, leaveOpen: true))
        {
            var second = new short[16000];
            for (var i = 0; i < second.Length; i++) second[i] = (short)(3000 * Math.Sin(2 * Math.PI * 440 * i / 16000));
            for (var s = 0; s < audioSeconds; s++)
            {
                writer.Write(second);
                if (s + 1 == headerSeconds) writer.Flush();
            }
            stream.Flush();
            // Killed here: the header still says headerSeconds. Skip the writer's own finalising by cutting the file loose.
            var bytes = new byte[stream.Length];
            stream.Position = 0;
            stream.ReadExactly(bytes);
            File.WriteAllBytes(path + ".snapshot", bytes);
        }
        File.Move(path + ".snapshot", path, overwrite: true);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(50);
        }
    }
}
