using Ncco.Media.Recording;
using Ncco.Media.Tests.Support;

namespace Ncco.Media.Tests.Recording;

/// <summary>
/// Issue 16: a full disk during a recording. The partial file is a link to <c>/dev/full</c>, whose every write fails
/// with ENOSPC exactly as a full file system's does.
/// </summary>
public class CallRecorderDiskFullTests
{
    [Fact]
    public async Task A_full_disk_stops_the_recording_once_and_its_completion_throws_instead_of_reporting_a_file()
    {
        Assert.True(File.Exists("/dev/full"), "this test needs Linux's /dev/full");
        var path = Tools.TempFile($"rec-full-{Guid.NewGuid():N}.wav");
        File.CreateSymbolicLink(path + ".partial.wav", "/dev/full");
        var rec = new CallRecorder(path, new RecordingOptions(RecordingFormat.Wav), 8000);
        var failures = 0;
        Exception? seen = null;
        rec.WriteFailed += e =>
        {
            Interlocked.Increment(ref failures);
            seen = e;
        };

        var frame = new short[160];
        for (var i = 0; i < frame.Length; i++) frame[i] = (short)(4000 * Math.Sin(2 * Math.PI * 440 * i / 8000));
        var reason = RecordingEndReason.None;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        // Ten minutes of audio at most: the recorder must notice the failure long before and stop taking frames.
        for (var f = 0; f < 30_000 && reason == RecordingEndReason.None && DateTime.UtcNow < deadline; f++)
        {
            reason = rec.WriteFrame(frame);
            if (rec.WriteError is null && f % 50 == 49) await Task.Delay(5);
        }

        Assert.Equal(RecordingEndReason.Stopped, reason);
        Assert.NotNull(rec.WriteError);
        var thrown = await Assert.ThrowsAsync<IOException>(() => rec.CompleteAsync(CancellationToken.None));
        Assert.Contains("could not be written", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(1, failures);
        Assert.Same(rec.WriteError, seen);
        Assert.False(File.Exists(path), "no finished file may appear for a failed recording");
    }
}
