namespace Ncco.Media.Asr;

/// <summary>
/// One <c>input</c> with speech: feeds 20 ms frames through the <see cref="SpeechEndpointer"/>, passes audio from
/// shortly before speech onset (300 ms pre-roll before the gate's candidate onset, up to <see cref="MaxLeadSeconds"/>
/// in all) to the recogniser once the gate confirmed speech, and produces the <see cref="SpeechResult"/>, keeping only
/// results at <see cref="AsrSettings.MinConfidence"/> or above.
/// <see cref="Process"/> is cheap and non-blocking (media thread); <see cref="CompleteAsync"/> awaits the recogniser.
/// </summary>
public sealed class SpeechInputSession : IAsyncDisposable
{
    private readonly ISpeechRecognitionStream _stream;
    private readonly SpeechEndpointer _endpointer;
    private readonly int _sampleRate;
    private readonly int _preRollCapacity;
    private short[] _preRoll;
    private int _preRollCount;
    private int _preRollStart;
    private long _sent;
    private long _position;
    private bool _streaming;
    private short[] _silence = [];
    private readonly double _minConfidence;

    /// <summary>Most audio kept from before the gate confirmed speech (a candidate onset plus the 300 ms pre-roll).</summary>
    public const double MaxLeadSeconds = 3;

    private SpeechInputSession(ISpeechRecognitionStream stream, AsrSettings settings, int sampleRate)
    {
        _stream = stream;
        _sampleRate = sampleRate;
        _endpointer = new SpeechEndpointer(settings, sampleRate);
        _minConfidence = settings.MinConfidence;
        // The ring starts at 0.5 s and grows (doubling) to MaxLeadSeconds only while speech is slow to start: a 3 s ring
        // from the start was 96 KB at 16 kHz on the large-object heap for every listening call, most of which never fill it.
        _preRollCapacity = (int)(sampleRate * MaxLeadSeconds);
        _preRoll = new short[Math.Min(_preRollCapacity, Math.Max(1, sampleRate / 2))];
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
        if (_endpointer.SpeechStart is { } start && !_streaming && _endpointer.Reason != SpeechTimeoutReason.StartTimeout)
        {
            // The ring ends with this frame: keep from 300 ms before the onset.
            _streaming = true;
            Remember(frame);
            FlushPreRoll(_endpointer.CandidateStart is null ? _preRollCount : (int)Math.Min(_preRollCount, _position + frame.Length - start + (_sampleRate * 3 / 10)));
            _position += frame.Length;
            return done;
        }
        _position += frame.Length;
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
            if (results.Any(r => PerWordConfidence(r) < _minConfidence)) results = [.. results.Where(r => !(PerWordConfidence(r) < _minConfidence))];
            return new SpeechResult(results, reason, duration);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
        {
            return new SpeechResult([], reason, duration, ex.Message);
        }
    }

    /// <summary>
    /// The confidence <see cref="AsrSettings.MinConfidence"/> is compared with: per word, the geometric mean
    /// (confidence^(1/words)). A recogniser's confidence is the posterior of the whole hypothesis, the product over its
    /// words, so a correct ten-word sentence scores under 10⁻⁶ through pocketsphinx while a word made of noise scores
    /// 0.02–0.1; per word, the sentence is ≈ 0.2 and the noise word stays where it was. Null (no confidence given) is 1.
    /// </summary>
    public static double PerWordConfidence(SpeechAlternative result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Confidence is not { } confidence) return 1;
        var words = Math.Max(1, result.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        return Math.Pow(Math.Max(0, confidence), 1.0 / words);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private void Remember(ReadOnlySpan<short> frame)
    {
        foreach (var s in frame)
        {
            if (_preRollCount == _preRoll.Length && _preRoll.Length < _preRollCapacity)
            {
                GrowPreRoll();
            }
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

    /// <summary>Doubles the full ring (at most to its capacity), oldest sample first at index 0.</summary>
    private void GrowPreRoll()
    {
        var bigger = new short[Math.Min(_preRollCapacity, _preRoll.Length * 2)];
        var first = _preRoll.Length - _preRollStart;
        _preRoll.AsSpan(_preRollStart, first).CopyTo(bigger);
        _preRoll.AsSpan(0, _preRollStart).CopyTo(bigger.AsSpan(first));
        _preRoll = bigger;
        _preRollStart = 0;
    }

    /// <summary>Samples the pre-roll ring can hold now (for tests: it grows to <see cref="MaxLeadSeconds"/> only when needed).</summary>
    internal int PreRollCapacity => _preRoll.Length;

    /// <summary>Sends the newest <paramref name="count"/> samples of the ring, oldest first.</summary>
    private void FlushPreRoll(int count)
    {
        var skip = _preRollCount - count;
        var from = (_preRollStart + skip) % _preRoll.Length;
        var first = Math.Min(count, _preRoll.Length - from);
        _stream.Write(_preRoll.AsSpan(from, first));
        _stream.Write(_preRoll.AsSpan(0, count - first));
        _sent += count;
        _preRollCount = 0;
    }
}
