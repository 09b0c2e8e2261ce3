using Ncco.Legs;
using Ncco.Media.Asr;

namespace Ncco.Host.Media;

/// <summary>
/// Speech recognition for one speech <c>input</c> on one leg: a <see cref="SpeechInputSession"/> fed with the leg's
/// inbound audio on the media thread. Reports onset (<see cref="ILegEventSink.SpeechStarted"/>) and the utterance
/// (<see cref="ILegEventSink.Speech"/>, empty text when nothing was recognised). When the session's own start timeout
/// passes with no speech a fresh session starts: the VM owns the input's start timeout (it starts after barge-in audio).
/// </summary>
internal sealed class SpeechListener(MediaEngine engine, LegMedia leg, MediaListenRequest request)
{
    private SpeechInputSession? _session;
    private bool _stopped;
    private bool _announced;
    private int _generation;

    public void Begin()
    {
        if (_stopped || engine.Recognizer is not { } recognizer) return;
        var generation = ++_generation;
        var settings = new AsrSettings(request.Language, request.Context, request.StartTimeout, request.EndOnSilence, request.MaxDuration, request.Sensitivity);
        _ = StartAsync(recognizer, settings, generation);
    }

    private async Task StartAsync(ISpeechRecognizer recognizer, AsrSettings settings, int generation)
    {
        SpeechInputSession? session = null;
        try
        {
            session = await SpeechInputSession.StartAsync(recognizer, settings, MediaEngine.SampleRate, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException)
        {
            engine.Logger.LogWarning("Leg {LegId}: speech recognition unavailable: {Reason}", leg.Id, e.Message);
        }
        engine.Post(() =>
        {
            if (session is null) return;
            if (_stopped || generation != _generation)
            {
                _ = session.DisposeAsync().AsTask();
                return;
            }
            _session = session;
        });
    }

    /// <summary>Media thread.</summary>
    public void Process(ReadOnlySpan<short> frame)
    {
        if (_session is not { } session) return;
        var done = session.Process(frame);
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
            Begin();
            return;
        }
        _ = CompleteAsync(session);
    }

    private async Task CompleteAsync(SpeechInputSession session)
    {
        try
        {
            var result = await session.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            if (result.Error is { } error) engine.Logger.LogWarning("Leg {LegId}: recogniser failed: {Reason}", leg.Id, error);
            var best = result.Results.Count > 0 ? result.Results[0] : null;
            if (!_stopped) leg.Sink?.Speech(best?.Text ?? "", best?.Confidence ?? 0, result.SpeechDuration);
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Media thread: the input is over.</summary>
    public void Stop()
    {
        _stopped = true;
        if (_session is { } s) _ = s.DisposeAsync().AsTask();
        _session = null;
    }
}
