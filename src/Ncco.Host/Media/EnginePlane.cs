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
