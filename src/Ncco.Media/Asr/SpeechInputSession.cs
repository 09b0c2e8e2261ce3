namespace Ncco.Media.Asr;

/// <summary>
/// One <c>input</c> with speech: feeds 20 ms frames through the <see cref="SpeechEndpointer"/>, passes audio from
/// shortly before speech onset (300 ms pre-roll) to the recogniser, and produces the <see cref="SpeechResult"/>.
/// <see cref="Process"/> is cheap and non-blocking (media thread); <see cref="CompleteAsync"/> awaits the recogniser.
/// </summary>
public sealed class SpeechInputSession : IAsyncDisposable
{
    private readonly ISpeechRecognitionStream _stream;
    private readonly SpeechEndpointer _endpointer;
    private readonly int _sampleRate;
    private readonly short[] _preRoll;
    private int _preRollCount;
    private int _preRollStart;
    private long _sent;
    private bool _streaming;
    private short[] _silence = [];

    private SpeechInputSession(ISpeechRecognitionStream stream, AsrSettings settings, int sampleRate)
    {
        _stream = stream;
        _sampleRate = sampleRate;
        _endpointer = new SpeechEndpointer(settings, sampleRate);
        _preRoll = new short[sampleRate * 3 / 10];
    }

    /// <summary>Starts a session on a recogniser.</summary>
    public static async Task<SpeechInputSession> StartAsync(ISpeechRecognizer recognizer, AsrSettings settings, int sampleRate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        var stream = await recognizer.StartAsync(settings, sampleRate, cancellationToken).ConfigureAwait(false);
        return new SpeechInputSession(stream, settings, sampleRate);
    }

    /// <summary>Whether the endpointer has ended the input.</summary>
    public bool IsComplete => _endpointer.Reason is not null;

    /// <summary>Whether speech has started (for barge-in: stop the prompt).</summary>
    public bool SpeechStarted => _endpointer.SpeechStart is not null;

    /// <summary>Consumes one frame; returns true once the input is over.</summary>
    /// <param name="frame">The samples.</param>
    /// <param name="tone">
    /// The frame holds a DTMF key tone: it never counts as speech, and the recogniser gets silence in its place so a
    /// key is not decoded as a word.
    /// </param>
    public bool Process(ReadOnlySpan<short> frame, bool tone = false)
    {
        if (IsComplete)
        {
            return true;
        }
        if (tone)
        {
            if (_silence.Length < frame.Length) _silence = new short[frame.Length];
            frame = _silence.AsSpan(0, frame.Length);
        }
        var done = _endpointer.Process(frame, tone);
        if (_endpointer.SpeechStart is not null && !_streaming && _endpointer.Reason != SpeechTimeoutReason.StartTimeout)
        {
            _streaming = true;
            FlushPreRoll();
        }
        if (_streaming)
        {
            _stream.Write(frame);
            _sent += frame.Length;
        }
        else
        {
            Remember(frame);
        }
        return done;
    }

    /// <summary>Waits for the recogniser and returns the result (call once <see cref="Process"/> returned true, or to force an end).</summary>
    public async Task<SpeechResult> CompleteAsync(CancellationToken cancellationToken)
    {
        var reason = _endpointer.Reason ?? SpeechTimeoutReason.EndOnSilence;
        var duration = TimeSpan.FromSeconds((double)_sent / _sampleRate);
        if (!_streaming)
        {
            return new SpeechResult([], reason, duration);
        }
        try
        {
            var results = await _stream.FinishAsync(cancellationToken).ConfigureAwait(false);
            return new SpeechResult(results, reason, duration);
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException)
        {
            return new SpeechResult([], reason, duration, ex.Message);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private void Remember(ReadOnlySpan<short> frame)
    {
        foreach (var s in frame)
        {
            var index = (_preRollStart + _preRollCount) % _preRoll.Length;
            _preRoll[index] = s;
            if (_preRollCount < _preRoll.Length)
            {
                _preRollCount++;
            }
            else
            {
                _preRollStart = (_preRollStart + 1) % _preRoll.Length;
            }
        }
    }

    private void FlushPreRoll()
    {
        var first = Math.Min(_preRollCount, _preRoll.Length - _preRollStart);
        _stream.Write(_preRoll.AsSpan(_preRollStart, first));
        _stream.Write(_preRoll.AsSpan(0, _preRollCount - first));
        _sent += _preRollCount;
        _preRollCount = 0;
    }
}
