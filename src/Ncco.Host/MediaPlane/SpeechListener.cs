using Ncco.Legs;
using Ncco.Media.Asr;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// Speech recognition for one speech <c>input</c> on one leg: a <see cref="SpeechInputSession"/> fed with the leg's
/// inbound audio on the media thread. Reports onset (<see cref="ILegEventSink.SpeechStarted"/>) and the utterance
/// (<see cref="ILegEventSink.Speech"/>, empty text when the recogniser failed). When the session's own start timeout
/// passes with no speech a fresh session starts: the VM owns the input's start timeout (it starts after barge-in audio).
/// An utterance that turns out to hold no speech (<see cref="SpeechResult.NoSpeech"/>: nothing recognised, or nothing at
/// the minimum confidence) is reported as <see cref="ILegEventSink.SpeechAbandoned"/> and a fresh session listens on.
/// <para>
/// Starting a recogniser session can take a while (pocketsphinx loads its model; a loaded machine makes it seconds).
/// The caller may already be talking, so frames that arrive meanwhile are held (up to <see cref="MaxPendingFrames"/>)
/// and fed to the session as soon as it exists: nothing the caller says after the input began is lost.
/// </para>
/// <para>
/// With <see cref="MediaListenRequest.SaveAudio"/> the utterance (see <see cref="UtteranceTape"/>) is written as a 16 kHz WAV
/// file owned by <paramref name="owner"/>'s application before the result is reported, so its <c>recording_url</c>
/// downloads at once.
/// </para>
/// </summary>
internal sealed class SpeechListener(MediaThread mediaThread, LegMedia leg, MediaListenRequest request, Recordings.RecordingStore store, Recordings.RecordingOwner owner)
{
    /// <summary>Frames held while a session starts (10 s); older ones are dropped first.</summary>
    internal const int MaxPendingFrames = 500;

    /// <summary>
    /// Frames each frame waits before the session sees it. A key is confirmed (or looks like one,
    /// <see cref="Ncco.Media.Dtmf.DtmfDetector.ToneSounding"/>) one to two frames after its tone began; the delay lets
    /// those first frames be marked as tone too, so a key press never reaches the VAD as two loud frames (speech onset).
    /// 40 ms more before the recogniser hears speech is nothing next to <c>endOnSilence</c>.
    /// </summary>
    internal const int ToneLookaheadFrames = 2;

    private readonly Queue<(short[] Frame, bool Tone)> _delay = new();
    private bool _afterTone;
    private readonly Queue<(short[] Frame, bool Tone)> _pending = new();
    private readonly UtteranceTape? _tape = request.SaveAudio
        ? new UtteranceTape(MediaThread.FrameSamples, (int)Math.Ceiling((request.MaxDuration + request.EndOnSilence + 1) * 50))
        : null;
    // Cancelled when the input is over: an utterance still waiting for a decoder is dropped then, not decoded for nobody
    // (and not kept, with this listener and its call, in the decoders' queue).
    private readonly CancellationTokenSource _stop = new();
    private SpeechInputSession? _session;
    private bool _stopped;
    private bool _starting;
    private bool _announced;
    private int _generation;

    public void Begin()
    {
        if (_stopped || mediaThread.Recognizer is not { } recognizer) return;
        var generation = ++_generation;
        _starting = true;
        var settings = new AsrSettings(request.Language, request.Context, request.StartTimeout, request.EndOnSilence, request.MaxDuration, request.Sensitivity, mediaThread.SpeechMinConfidence);
        _ = StartAsync(recognizer, settings, generation);
    }

    private async Task StartAsync(ISpeechRecognizer recognizer, AsrSettings settings, int generation)
    {
        SpeechInputSession? session = null;
        try
        {
            session = await SpeechInputSession.StartAsync(recognizer, settings, MediaThread.SampleRate, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException)
        {
            mediaThread.Logger.RecognitionUnavailable(leg.Id, e.Message);
        }
        mediaThread.Post(() =>
        {
            if (generation == _generation) _starting = false;
            if (session is null)
            {
                Release();
                return;
            }
            if (_stopped || generation != _generation)
            {
                _ = session.DisposeAsync().AsTask();
                return;
            }
            _session = session;
            while (_session is not null && _pending.TryDequeue(out var held))
            {
                Feed(_session, held.Frame.AsSpan(0, MediaThread.FrameSamples), held.Tone);
                System.Buffers.ArrayPool<short>.Shared.Return(held.Frame);
            }
        });
    }

    /// <summary>Media thread. <paramref name="tone"/>: a DTMF key sounds in this frame (never speech).</summary>
    public void Process(ReadOnlySpan<short> frame, bool tone = false)
    {
        // A phone leaves digital silence between and after key tones: part of the key press, not a pause in the room.
        // Let into the VAD's noise floor it would drop the floor to nothing, and the steady room noise after it would
        // look like speech for the next 3 s.
        if (tone) _afterTone = true;
        else if (_afterTone && IsDigitalSilence(frame)) tone = true;
        else _afterTone = false;
        var pool = System.Buffers.ArrayPool<short>.Shared;
        var copy = pool.Rent(frame.Length);
        frame.CopyTo(copy);
        if (tone && _delay.Count > 0)
        {
            // The key's first frames went in before the detector knew: mark them now.
            var count = _delay.Count;
            for (var i = 0; i < count; i++)
            {
                var (f, _) = _delay.Dequeue();
                _delay.Enqueue((f, true));
            }
        }
        _delay.Enqueue((copy, tone));
        if (_delay.Count <= ToneLookaheadFrames) return;
        var (oldest, oldestTone) = _delay.Dequeue();
        if (_session is { } session)
        {
            Feed(session, oldest.AsSpan(0, frame.Length), oldestTone);
            pool.Return(oldest);
        }
        else if (_starting)
        {
            if (_pending.Count == MaxPendingFrames) pool.Return(_pending.Dequeue().Frame);
            _pending.Enqueue((oldest, oldestTone));
        }
        else
        {
            pool.Return(oldest);
        }
    }

    private static bool IsDigitalSilence(ReadOnlySpan<short> frame)
    {
        foreach (var sample in frame)
        {
            if (sample is > 2 or < -2) return false;
        }
        return true;
    }

    private void Feed(SpeechInputSession session, ReadOnlySpan<short> frame, bool tone)
    {
        var done = session.Process(frame, tone);
        _tape?.Write(frame, session.SpeechStarted);
        if (!_announced && session.SpeechStarted)
        {
            _announced = true;
            leg.Sink?.SpeechStarted();
        }
        if (!done) return;
        _session = null;
        if (!session.SpeechStarted)
        {
            _ = session.DisposeAsync().AsTask();
            _tape?.Reset();
            Begin();
            return;
        }
        _ = CompleteAsync(session, _tape?.ToArray());
    }

    private async Task CompleteAsync(SpeechInputSession session, short[]? audio)
    {
        try
        {
            var result = await session.CompleteAsync(_stop.Token).ConfigureAwait(false);
            if (result.NoSpeech)
            {
                // Nothing recognisable (or nothing confident enough) in what the endpointer heard: as if nothing was said.
                // The VM resumes its start timeout; this listener listens again.
                mediaThread.Post(() =>
                {
                    if (_stopped) return;
                    _announced = false;
                    _tape?.Reset();
                    leg.Sink?.SpeechAbandoned();
                    Begin();
                });
                return;
            }
            if (result.Error is { } error)
            {
                // Nothing to report but the failure: the input ends with the speech result's error (no results, no audio).
                mediaThread.Logger.RecognizerFailed(leg.Id, error);
                if (!_stopped) leg.Sink?.SpeechFailed(error);
                return;
            }
            var best = result.Results.Count > 0 ? result.Results[0] : null;
            var fileId = audio is null ? null : await SaveAsync(audio).ConfigureAwait(false);
            if (!_stopped) leg.Sink?.Speech(best?.Text ?? "", best?.Confidence ?? 0, result.SpeechDuration, fileId);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The input ended before a decoder took the utterance: nobody reads the result.
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<string?> SaveAsync(short[] audio)
    {
        try
        {
            var (fileId, path) = store.Allocate(".wav");
            await Task.Run(() => Ncco.Media.Wav.WavWriter.WriteAll(path, audio, MediaThread.SampleRate)).ConfigureAwait(false);
            await store.CompleteAsync(fileId, owner, Recordings.RecordingKind.SpeechAudio, CancellationToken.None).ConfigureAwait(false);
            return fileId;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            mediaThread.Logger.UtteranceNotSaved(leg.Id, e.Message);
            return null;
        }
    }

    /// <summary>Media thread: the input is over.</summary>
    public void Stop()
    {
        _stopped = true;
        _stop.Cancel();
        if (_session is { } s) _ = s.DisposeAsync().AsTask();
        _session = null;
        Release();
    }

    private void Release()
    {
        while (_pending.TryDequeue(out var held)) System.Buffers.ArrayPool<short>.Shared.Return(held.Frame);
        while (_delay.TryDequeue(out var delayed)) System.Buffers.ArrayPool<short>.Shared.Return(delayed.Frame);
    }
}
