using Ncco.Legs;
using Ncco.Media.Pcm;
using Ncco.Media.Recording;
using ModelFormat = Ncco.Model.RecordingFormat;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// A recording written by the media thread with <see cref="CallRecorder"/> (16 kHz; crash-safe partial WAV until
/// <see cref="StopAsync"/> finishes, transcodes and renames it). A leg recording takes what the leg sent and what it
/// heard — summed in mono, or channel 0 = sent / channel 1 = heard with <c>split</c> (further channels stay silent); a
/// conversation recording takes the mixer's recording mix.
/// <para>
/// A file that cannot be opened, written (a full disk) or finished is logged once with the cause and counted
/// (<see cref="MediaMetrics.RecordingFailed"/>); the audio stops going to it, the call goes on, and
/// <see cref="StopAsync"/> throws so the VM reports an error event instead of a recording URL.
/// </para>
/// </summary>
internal sealed class MediaRecording : IMediaRecording
{
    // What a failure's log line says for the leg of a conversation recording (the mix of every leg).
    private const string AllLegs = "all";

    private readonly MediaThread _mediaThread;
    private readonly CallRecorder _recorder;
    private readonly Recordings.RecordingStore _store;
    private readonly Recordings.RecordingOwner _owner;
    private readonly string _fileId;
    private readonly int _channels;
    private readonly bool _split;
    private readonly short[] _frame;
    private LegMedia? _leg;
    private MixerState? _mixer;
    private int _stopping;

    private MediaRecording(MediaThread mediaThread, CallRecorder recorder, Recordings.RecordingStore store, Recordings.RecordingOwner owner, string fileId, int channels, bool split)
    {
        _mediaThread = mediaThread;
        _recorder = recorder;
        _store = store;
        _owner = owner;
        _fileId = fileId;
        _channels = channels;
        _split = split;
        _frame = new short[MediaThread.FrameSamples * channels];
    }

    /// <summary>
    /// Opens the file (caller's thread) and attaches it to its leg or conversation on the media thread; the finished
    /// file belongs to <paramref name="applicationId"/>.
    /// </summary>
    public static MediaRecording Start(MediaThread mediaThread, Recordings.RecordingStore store, string applicationId, MediaRecordingRequest request, DateTimeOffset now)
    {
        var format = request.Format switch
        {
            ModelFormat.Wav => RecordingFormat.Wav,
            ModelFormat.Ogg => RecordingFormat.Ogg,
            _ => RecordingFormat.Mp3,
        };
        var channels = request.LegId is null ? 1 : Math.Clamp(request.Channels, 1, 32);
        var options = new RecordingOptions(format, channels);
        string fileId;
        string path;
        CallRecorder recorder;
        try
        {
            (fileId, path) = store.Allocate(options.EffectiveFormat);
            store.WriteClaim(path, new Recordings.RecordingClaim
            {
                ApplicationId = applicationId,
                ConversationUuid = request.ConversationId,
                LegUuid = request.LegId,
                EventUrl = request.EventTarget?.Address.AbsoluteUri,
                EventMethod = request.EventTarget?.Method == Ncco.Model.WebhookMethod.Get ? "GET" : "POST",
                StartedAt = now,
            });
            recorder = new CallRecorder(path, options, MediaThread.SampleRate);
        }
        catch (Exception e)
        {
            mediaThread.Metrics.RecordingFailed("start");
            mediaThread.Logger.RecordingNotStarted(e, request.ConversationId, request.LegId ?? AllLegs);
            throw;
        }
        recorder.WriteFailed += e =>
        {
            mediaThread.Metrics.RecordingFailed("write");
            mediaThread.Logger.RecordingNotWritten(e, fileId, request.ConversationId, request.LegId ?? AllLegs);
        };
        var recording = new MediaRecording(mediaThread, recorder, store,
            new Recordings.RecordingOwner(applicationId, request.ConversationId, request.LegId), fileId, channels, request.Split && channels > 1);
        mediaThread.Post(() =>
        {
            if (recording._stopping != 0) return;
            if (request.LegId is null)
            {
                recording._mixer = mediaThread.Mixer(request.ConversationId, create: true)!;
                recording._mixer.Recorders.Add(recording);
            }
            else if (mediaThread.FindLeg(request.LegId) is { } leg)
            {
                recording._leg = leg;
                leg.Recorders.Add(recording);
            }
            else
            {
                mediaThread.Logger.RecordingWithoutMedia(fileId, request.LegId);
            }
        });
        return recording;
    }

    /// <summary>Media thread: one frame of a leg recording.</summary>
    public void WriteLeg(ReadOnlySpan<short> sent, ReadOnlySpan<short> heard)
    {
        var frame = _frame.AsSpan();
        if (!_split)
        {
            for (var i = 0; i < sent.Length; i++) frame[i] = Pcm16.Saturate(sent[i] + heard[i]);
            _recorder.WriteFrame(frame[..sent.Length]);
            return;
        }
        frame.Clear();
        Pcm16.InterleaveChannel(sent, 0, _channels, frame);
        Pcm16.InterleaveChannel(heard, 1, _channels, frame);
        _recorder.WriteFrame(frame);
    }

    /// <summary>Media thread: one frame of a conversation recording.</summary>
    public void WriteMono(ReadOnlySpan<short> mix) => _recorder.WriteFrame(mix);

    /// <inheritdoc />
    public Task<MediaRecordingResult> StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0) throw new InvalidOperationException("The recording was already stopped.");
        var done = new TaskCompletionSource<MediaRecordingResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _mediaThread.Post(() =>
        {
            // Detach first: no frame is written after Stop, so completing off the media thread is safe.
            _leg?.Recorders.Remove(this);
            if (_mixer is { } mixer)
            {
                mixer.Recorders.Remove(this);
                _mediaThread.DropIfIdle(mixer);
            }
            _recorder.Stop();
            _ = Task.Run(async () =>
            {
                try
                {
                    var result = await _recorder.CompleteAsync(cancellationToken).ConfigureAwait(false);
                    // The row goes in before the VM hears of the file, so its recording_url downloads at once.
                    await _store.CompleteAsync(_fileId, _owner, Recordings.RecordingKind.Recording, cancellationToken).ConfigureAwait(false);
                    Recordings.RecordingStore.DropClaim(_recorder.Path);
                    done.TrySetResult(new MediaRecordingResult(_fileId, result.SizeBytes));
                }
                catch (Exception e)
                {
                    if (_recorder.WriteError is null)
                    {
                        _mediaThread.Metrics.RecordingFailed("finish");
                        _mediaThread.Logger.RecordingNotFinished(e, _fileId, _owner.ConversationUuid, _owner.LegUuid ?? AllLegs);
                    }
                    // Reported failed now (the VM sends the error event): nothing is left for a restart to adopt.
                    Recordings.RecordingStore.DropClaim(_recorder.Path);
                    TryDelete(_recorder.PartialPath);
                    done.TrySetException(e);
                }
            }, CancellationToken.None);
        });
        return done.Task;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
