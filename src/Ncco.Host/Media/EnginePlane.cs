using Ncco.Host.Recordings;
using Ncco.Legs;

namespace Ncco.Host.Media;

/// <summary>
/// The <see cref="IMediaPlane"/> of one VoiceEngine: every call is turned into a command for the shared media thread
/// (the VM thread never waits on media work).
/// </summary>
internal sealed class EnginePlane(MediaEngine engine, RecordingStore recordings, string applicationId) : IMediaPlane
{
    public void MixChanged(MediaMix mix) => engine.Post(() => engine.ApplyMix(mix));

    public IMediaRecording StartRecording(MediaRecordingRequest request) => MediaRecording.Start(engine, recordings, applicationId, request);

    /// <inheritdoc />
    public async Task<string?> TranscribeAsync(MediaTranscriptionRequest request, CancellationToken cancellationToken)
    {
        if (engine.Recognizer is not { } recognizer)
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
        var handle = new ListenHandle(engine);
        engine.Post(() =>
        {
            if (handle.Disposed || engine.FindLeg(request.LegId) is not { } leg) return;
            leg.Listener?.Stop();
            var listener = new SpeechListener(engine, leg, request, recordings,
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
        var handle = new DetectionHandle(engine);
        engine.Post(() =>
        {
            // A leg without media here (a virtual leg, or one already gone) reports for itself or not at all.
            if (handle.Disposed || engine.FindLeg(request.LegId) is not { } leg) return;
            handle.Attach(leg, leg.MachineDetection = new LegMachineDetection(request, leg.Sink));
        });
        return handle;
    }

    private sealed class DetectionHandle(MediaEngine engine) : IDisposable
    {
        private LegMedia? _leg;
        private LegMachineDetection? _detection;

        public bool Disposed { get; private set; }

        public void Attach(LegMedia leg, LegMachineDetection detection)
        {
            _leg = leg;
            _detection = detection;
        }

        public void Dispose() => engine.Post(() =>
        {
            Disposed = true;
            if (_leg is not null && _leg.MachineDetection == _detection) _leg.MachineDetection = null;
        });
    }

    private sealed class ListenHandle(MediaEngine engine) : IDisposable
    {
        private LegMedia? _leg;
        private SpeechListener? _listener;

        public bool Disposed { get; private set; }

        public void Attach(LegMedia leg, SpeechListener listener)
        {
            _leg = leg;
            _listener = listener;
        }

        public void Dispose() => engine.Post(() =>
        {
            Disposed = true;
            if (_listener is null) return;
            _listener.Stop();
            if (_leg!.Listener == _listener) _leg.Listener = null;
        });
    }
}
