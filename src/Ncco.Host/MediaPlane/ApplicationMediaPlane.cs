using Ncco.Host.Recordings;
using Ncco.Legs;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// The <see cref="IMediaPlane"/> of one NccoVm: every call is turned into a command for the shared media thread
/// (the VM thread never waits on media work).
/// </summary>
internal sealed class ApplicationMediaPlane(MediaThread mediaThread, RecordingStore recordings, string applicationId) : IMediaPlane
{
    public void MixChanged(MediaMix mix) => mediaThread.Post(() => mediaThread.ApplyMix(mix));

    public IMediaRecording StartRecording(MediaRecordingRequest request) => MediaRecording.Start(mediaThread, recordings, applicationId, request, mediaThread.Time.GetUtcNow());

    /// <inheritdoc />
    public async Task<string?> TranscribeAsync(MediaTranscriptionRequest request, CancellationToken cancellationToken)
    {
        if (mediaThread.Recognizer is not { } recognizer)
            throw new NotSupportedException("no speech recogniser is available (install pocketsphinx and pocketsphinx-en-us)");
        var file = await recordings.FindAsync(request.RecordingFileId, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"recording {request.RecordingFileId} has no file");
        var (rate, channels, samples) = await Task.Run(() => Ncco.Media.SoundFile.SoundFileReader.ReadAll(file.Path), cancellationToken).ConfigureAwait(false);
        var transcript = await new Ncco.Media.Asr.RecordingTranscriber(recognizer)
            .TranscribeAsync(samples, rate, channels, request.Language, cancellationToken).ConfigureAwait(false);
        var (id, path) = recordings.Allocate(".json");
        // Written beside and renamed into place, like recordings: a transcript is served only once complete.
        var partial = path + ".partial";
        await File.WriteAllBytesAsync(partial, TranscriptFile.Serialize(transcript, Guid.NewGuid().ToString("D")), cancellationToken).ConfigureAwait(false);
        File.Move(partial, path);
        await recordings.CompleteAsync(id, new RecordingOwner(applicationId, request.ConversationId, request.LegId), RecordingKind.Transcription, cancellationToken)
            .ConfigureAwait(false);
        return id;
    }

    public IDisposable StartListening(MediaListenRequest request)
    {
        var handle = new LegAttachment<SpeechListener>(mediaThread, static (leg, listener) =>
        {
            listener.Stop();
            if (leg.Listener == listener) leg.Listener = null;
        });
        mediaThread.Post(() =>
        {
            if (handle.Disposed || mediaThread.FindLeg(request.LegId) is not { } leg) return;
            leg.Listener?.Stop();
            var listener = new SpeechListener(mediaThread, leg, request, recordings,
                new RecordingOwner(applicationId, request.ConversationId ?? "", request.LegId));
            leg.Listener = listener;
            handle.Attach(leg, listener);
            listener.Begin();
        });
        return handle;
    }

    /// <summary>Runs <see cref="LegMachineDetection"/> on the leg's received audio until it has reported or is disposed.</summary>
    public IDisposable? StartMachineDetection(MediaMachineDetectionRequest request)
    {
        var handle = new LegAttachment<LegMachineDetection>(mediaThread, static (leg, detection) =>
        {
            if (leg.MachineDetection == detection) leg.MachineDetection = null;
        });
        mediaThread.Post(() =>
        {
            // A leg without media here (a virtual leg, or one already gone) reports for itself or not at all.
            if (handle.Disposed || mediaThread.FindLeg(request.LegId) is not { } leg) return;
            handle.Attach(leg, leg.MachineDetection = new LegMachineDetection(request, leg.Sink));
        });
        return handle;
    }

    /// <summary>
    /// What a plane call attached to a leg on the media thread (a speech listener, a machine detection). Disposing it,
    /// from any thread, posts <paramref name="detach"/>; disposed before the attach ran, the attach is skipped.
    /// <see cref="Disposed"/> and the attachment are touched only on the media thread.
    /// </summary>
    private sealed class LegAttachment<T>(MediaThread mediaThread, Action<LegMedia, T> detach) : IDisposable
        where T : class
    {
        private LegMedia? _leg;
        private T? _attached;

        public bool Disposed { get; private set; }

        public void Attach(LegMedia leg, T attached)
        {
            _leg = leg;
            _attached = attached;
        }

        public void Dispose() => mediaThread.Post(() =>
        {
            Disposed = true;
            if (_leg is not null && _attached is not null) detach(_leg, _attached);
        });
    }
}
