using Ncco.Calls;
using Ncco.Events;
using Ncco.Model;
using Ncco.Webhooks;

namespace Ncco.Handlers;

/// <summary>
/// A recording in progress. Without a media plane its size is estimated from its duration; with one, the plane writes
/// the real file (<see cref="Start"/>) and <see cref="Finish"/> reports the plane's file id and size.
/// </summary>
/// <remarks>
/// When the plane could not start or finish the file (a full disk, a write error), there is no file to download, so
/// no record event is sent: the app gets an error event (reference §2.9, as Vonage reports a failure it cannot
/// express in the record event) naming the recording and the reason, on the record's event URL, and no transcription
/// follows. The call itself goes on.
/// </remarks>
internal sealed class ActiveRecording(CallLeg? leg, string conversationUuid, RecordingFormat format, int channels, DateTimeOffset start, WebhookTarget? target)
{
    /// <summary>Transcription settings; when set a transcription event follows the record event.</summary>
    public Model.Actions.TranscriptionSettings? Transcription { get; init; }

    private bool _finished;
    private Legs.IMediaRecording? _media;
    private string? _failure;

    /// <summary>Asks the VM's media plane (if any) to start writing the file. A plane failure is logged and the recording stays semantic.</summary>
    public ActiveRecording Start(NccoVm vm, bool split)
    {
        if (vm.Media is not { } plane) return this;
        try
        {
            _media = plane.StartRecording(new Legs.MediaRecordingRequest(leg?.Id, conversationUuid, format, channels, split)
            {
                EventTarget = target ?? leg?.EventTarget ?? vm.Application.EventUrl,
            });
        }
        catch (Exception e)
        {
            _failure = e.Message;
            vm.Observer.OnActivity(vm.Scheduler.UtcNow, leg?.Id, VmActivity.Error, "media plane could not start the recording: " + e.Message);
        }
        return this;
    }

    public async Task Finish(NccoVm vm, DateTimeOffset end, string reason)
    {
        if (_finished) return;
        _finished = true;
        var seconds = Math.Max(0, (end - start).TotalSeconds);
        var bytesPerSecond = format switch
        {
            RecordingFormat.Wav => 32000L * channels,
            RecordingFormat.Ogg => 3000L,
            _ => 4000L,
        };
        var size = (long)Math.Round(seconds * bytesPerSecond);
        string? fileId = null;
        if (_media is { } media)
        {
            // The file is finished off the VM thread; the event follows once it is durable.
            try
            {
                var result = await vm.Scheduler.RunExternal(media.StopAsync);
                fileId = result.FileId;
                size = result.SizeBytes;
            }
            catch (Exception e)
            {
                _failure = e.Message;
                vm.Observer.OnActivity(vm.Scheduler.UtcNow, leg?.Id, VmActivity.Error, "media plane could not finish the recording: " + e.Message);
            }
        }
        if (_failure is { } failure)
        {
            await Send(vm, new ErrorEvent
            {
                Reason = "Recording failed: " + failure,
                ConversationUuid = conversationUuid,
                Uuid = leg?.Id,
                Timestamp = PayloadJson.Timestamp(end),
            }, target);
            return;
        }
        var uuid = vm.Ids.NewId(Scheduling.IdKind.Recording);
        var info = new RecordingInfo
        {
            RecordingUuid = uuid,
            RecordingUrl = vm.Application.FilesBaseUrl + (fileId ?? vm.Ids.NewId(Scheduling.IdKind.File)),
            LegId = leg?.Id,
            ConversationUuid = conversationUuid,
            Start = start,
            End = end,
            Format = format,
            Channels = channels,
            Size = size,
            EndReason = reason,
        };
        vm.AddRecording(info);
        var payload = new RecordEvent
        {
            StartTime = PayloadJson.Timestamp(start),
            EndTime = PayloadJson.Timestamp(end),
            RecordingUrl = info.RecordingUrl,
            Size = info.Size,
            RecordingUuid = uuid,
            ConversationUuid = conversationUuid,
            Timestamp = PayloadJson.Timestamp(end),
        };
        var sent = Send(vm, payload, target);
        // The transcript follows the recording event once the plane has recognised the file. That takes real time on
        // a real plane (counted as external work), so the NCCO does not wait for it.
        if (Transcription is { } tr) _ = SendTranscriptionAsync(vm, tr, fileId, uuid, end);
        await sent;
    }

    private async Task SendTranscriptionAsync(NccoVm vm, Model.Actions.TranscriptionSettings settings, string? fileId, string recordingUuid, DateTimeOffset end)
    {
        var transcription = await TranscribeAsync(vm, settings, fileId, recordingUuid, end);
        await Send(vm, transcription, settings.EventUrl is null ? target : new WebhookTarget(settings.EventUrl, settings.EventMethod));
    }

    private async Task<TranscriptionEvent> TranscribeAsync(NccoVm vm, Model.Actions.TranscriptionSettings settings, string? fileId, string recordingUuid, DateTimeOffset end)
    {
        var transcription = new TranscriptionEvent
        {
            ConversationUuid = conversationUuid,
            RecordingUuid = recordingUuid,
            Timestamp = PayloadJson.Timestamp(end),
        };
        string? transcriptId = null;
        if (vm.Media is { } plane && fileId is not null)
        {
            try
            {
                var request = new Legs.MediaTranscriptionRequest(fileId, settings.Language, conversationUuid, leg?.Id);
                transcriptId = await vm.Scheduler.RunExternal(ct => plane.TranscribeAsync(request, ct));
            }
            catch (Exception e)
            {
                vm.Observer.OnActivity(vm.Scheduler.UtcNow, leg?.Id, VmActivity.Error, "transcription failed: " + e.Message);
                return transcription with { Status = "failed", Error = e.Message };
            }
        }
        return transcription with
        {
            TranscriptionUrl = vm.Application.FilesBaseUrl + (transcriptId ?? vm.Ids.NewId(Scheduling.IdKind.File)),
            Timestamp = PayloadJson.Timestamp(vm.Scheduler.UtcNow),
        };
    }

    private Task Send(NccoVm vm, WebhookPayload payload, WebhookTarget? t)
    {
        if (leg is not null) return leg.SendEventAsync(payload, t);
        t ??= vm.Application.EventUrl;
        return t is null ? Task.CompletedTask : vm.Webhooks.SendEventAsync(t, payload, null);
    }
}
