using Microsoft.Extensions.Logging;
using Ncco.Host.Tests.Support;
using Ncco.Model;
using Ncco.Model.Actions;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// Issue 16 through the real media plane: a recording the data directory cannot hold is counted in
/// <c>ncco.recordings.failed</c>, logged as an error naming the call (conversation and leg) and carrying the cause,
/// reported to the application as an error event (never a <c>recording_url</c> to nothing), and the call goes on to
/// its next action. (The VM's side is <c>Ncco.Vm.Tests/RecordingFailureTests</c>; a full disk mid-file is <c>Ncco.Media.Tests/Recording/CallRecorderDiskFullTests</c>.)
/// </summary>
public sealed class RecordingWriteFailureTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;
    private MediaHarness _h = null!;

    public RecordingWriteFailureTests() => _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));

    public async Task InitializeAsync() => _h = await MediaHarness.StartAsync(_loggers);

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _loggers.Dispose();
    }

    [Fact]
    public async Task A_recording_the_data_directory_cannot_hold_is_counted_reported_and_the_call_goes_on()
    {
        // The recordings directory's place is taken by a file: creating anything there fails, as on a read-only or
        // broken disk.
        var recordings = Path.Combine(_h.DataDirectory, "recordings");
        if (Directory.Exists(recordings)) Directory.Delete(recordings, recursive: true);
        await File.WriteAllTextAsync(recordings, "not a directory");

        var (leg, socket) = await _h.CallSocketAsync("record-fails",
            NccoBuilder.Create().Record(endOnKey: '#', format: RecordingFormat.Wav).Talk("Still here after the recording failed.").Build());
        await socket.NextEventAsync("websocket:connected");
        // The record action ends on the key, as the caller's '#' (in-band) ends it; the failure is reported then.
        await Task.Delay(500);
        await socket.SendAudioAsync(TestAudio.Concat(TestAudio.Dtmf("#", 16000), TestAudio.Silence(0.5, 16000)), 16000);

        var error = await _h.EventAsync(e => e.ToString().Contains("Recording failed", StringComparison.Ordinal) && MediaHarness.Field(e, "conversation_uuid") == leg.Conversation.Id,
            TimeSpan.FromSeconds(15));
        Assert.Equal(1, _h.Media.MediaThread.Metrics.RecordingsFailed);

        // The operator's side: one error line naming the conversation and the recorded leg, with the disk's exception attached.
        var logged = Assert.Single(_logs.Lines, l => l.EventId.Id == 3031);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Equal("RecordingNotStarted", logged.EventId.Name);
        Assert.Equal(leg.Conversation.Id, logged.Values["ConversationId"]);
        Assert.Equal(leg.Id, logged.Values["LegId"]);
        Assert.Contains(leg.Conversation.Id, logged.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(logged.Exception);

        // The talk after it plays to the caller: the call went on.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (TestAudio.VoicedSeconds(socket.Audio(), 16000) < 0.5 && waited.Elapsed < TimeSpan.FromSeconds(15)) await Task.Delay(50);
        Assert.True(TestAudio.VoicedSeconds(socket.Audio(), 16000) >= 0.5, error.ToString());
        Assert.DoesNotContain(_h.Events, e => e.TryGetProperty("recording_url", out _));
    }
}
