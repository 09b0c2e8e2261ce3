using System.Collections.Concurrent;
using Ncco.Calls;
using Ncco.Events;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Scheduling;
using Ncco.Testing;
using Ncco.Testing.Time;
using Ncco.Webhooks;

namespace Ncco.Vm.Tests;

/// <summary>
/// Issue 16: a recording the media plane could not write (a full disk) must never be reported with a
/// <c>recording_url</c> to nothing; the app gets an error event naming the failure and the call goes on.
/// </summary>
public class RecordingFailureTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private sealed class FailingPlane(bool failAtStart) : IMediaPlane
    {
        public int Stopped { get; private set; }

        public void MixChanged(MediaMix mix) { }

        public IMediaRecording StartRecording(MediaRecordingRequest request) =>
            failAtStart ? throw new IOException("No space left on device : '/data/recordings'") : new Recording(this);

        public IDisposable StartListening(MediaListenRequest request) => throw new NotSupportedException();

        private sealed class Recording(FailingPlane plane) : IMediaRecording
        {
            public Task<MediaRecordingResult> StopAsync(CancellationToken cancellationToken)
            {
                plane.Stopped++;
                return Task.FromException<MediaRecordingResult>(new IOException("No space left on device : '/data/recordings/x.wav.partial.wav'"));
            }
        }
    }

    private static async Task<(NccoVm Vm, VirtualScheduler Scheduler, ConcurrentQueue<WebhookRequest> Requests, CallLeg Leg, VirtualLeg Party, FailingPlane Plane)> CallAsync(
        NccoDocument ncco, bool failAtStart)
    {
        var scheduler = new VirtualScheduler(Start);
        var requests = new ConcurrentQueue<WebhookRequest>();
        var plane = new FailingPlane(failAtStart);
        var vm = new NccoVm(new NccoVmOptions
        {
            Application = Sim.ExampleApplication(),
            Transport = new DelegateWebhookTransport((r, _) =>
            {
                requests.Enqueue(r);
                return Task.FromResult(r.Kind == WebhookKind.Answer ? WebhookResponse.Ncco(ncco) : WebhookResponse.Empty);
            }),
            Scheduler = scheduler,
            Ids = new SequentialIdGenerator(),
            Media = plane,
        });
        var party = new VirtualLeg(scheduler);
        var task = vm.AcceptInboundAsync(party, new InboundCall { From = "447700900001", To = "447700900000" });
        await scheduler.RunUntilAsync(() => task.IsCompleted, Start.AddSeconds(60));
        return (vm, scheduler, requests, await task, party, plane);
    }

    private static async Task RunAsync(VirtualScheduler scheduler, Func<bool> until)
    {
        var outcome = await scheduler.RunUntilAsync(until, scheduler.UtcNow.AddSeconds(60));
        Assert.True(until(), $"condition not met ({outcome})");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_recording_the_plane_could_not_write_is_an_error_event_never_a_recording_url(bool failAtStart)
    {
        var ncco = NccoBuilder.Create()
            .Record(endOnKey: '#', format: RecordingFormat.Wav, transcription: new Model.Actions.TranscriptionSettings { Language = "en-US" })
            .Talk("still here")
            .Build();
        var (vm, scheduler, requests, leg, party, plane) = await CallAsync(ncco, failAtStart);
        await scheduler.RunUntilAsync(() => false, scheduler.UtcNow.AddSeconds(2)); // the record action is running
        party.Press("#");
        await RunAsync(scheduler, () => requests.Any(r => r.PayloadJson.Contains("Recording failed", StringComparison.Ordinal)));

        var error = requests.First(r => r.PayloadJson.Contains("Recording failed", StringComparison.Ordinal)).PayloadJson;
        Assert.Contains("No space left on device", error, StringComparison.Ordinal);
        Assert.Contains("\"conversation_uuid\":\"" + leg.Conversation.Id + "\"", error, StringComparison.Ordinal);
        Assert.Equal(failAtStart ? 0 : 1, plane.Stopped);

        // The call goes on to the next action; nothing ever names a file.
        await RunAsync(scheduler, () => party.Heard.Any(x => x.Playback.Kind == PlaybackKind.Talk));
        Assert.Equal(CallStatus.Answered, leg.Status);
        await scheduler.RunUntilAsync(() => false, scheduler.UtcNow.AddSeconds(5));
        Assert.DoesNotContain(requests, r => r.PayloadJson.Contains("recording_url", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, r => r.PayloadJson.Contains("transcription_url", StringComparison.Ordinal));
        Assert.Empty(vm.Recordings);
    }
}
