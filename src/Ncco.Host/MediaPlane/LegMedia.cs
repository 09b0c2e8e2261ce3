using Ncco.Legs;
using Ncco.Media.Dtmf;
using Ncco.Media.Mixing;
using Ncco.Media.Pcm;
using Ncco.Media.Playback;
using Ncco.Media.Resampling;
using Ncco.Media.Vad;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// The media between one leg's transport and the VM (like connection middleware): keys → digits (see below), VAD →
/// sound reports while a recording listens for silence, speech recognition while an input listens, the mixer input;
/// outbound the conversation mix plus the leg's own playbacks, recorded and sent. Media thread only, except
/// <see cref="Sink"/> which is set once before the leg is added.
/// </summary>
/// <remarks>
/// Every key takes one path (<see cref="OnKey"/>), whether the detector found it in the received audio or the
/// transport received it beside the audio (<see cref="IMediaTransport.ReadDigits"/>: RFC 4733, a keypad message): its
/// start is reported to the VM as a digit, its end is forwarded to the other legs of the conversation with its duration
/// (<see cref="IMediaTransport.ConversationDtmf"/>), and a leg whose transport cannot signal keys hears a signalled key
/// as a tone (a key in the audio it already hears through the mix). A phone that sends one press both ways (events
/// and tones) is reported once: the same key from the other path within <see cref="EchoTicks"/> of an accepted start
/// is taken for a copy.
/// </remarks>
internal sealed class LegMedia
{
    /// <summary>How often a voiced stretch is reported to the VM (<see cref="ILegEventSink.Audio"/>).</summary>
    private const int AudioReportFrames = 10;

    private static readonly TimeSpan AudioReport = TimeSpan.FromMilliseconds(AudioReportFrames * 20);

    /// <summary>
    /// Ticks (400 ms) after an accepted key start during which the same key arriving by the other path is one press
    /// sent both ways: a tone waits in the jitter buffer and the detector while its RFC 4733 events do not, so the
    /// copy comes up to a few hundred milliseconds later; nobody presses one key twice that fast by two means.
    /// </summary>
    private const int EchoTicks = 20;

    /// <summary>The id under which a forwarded key's tone plays (the VM's playback ids are positive): it reports nothing.</summary>
    private const long KeyToneId = -1;

    private readonly MediaThread _mediaThread;
    private readonly IMediaTransport _transport;
    private readonly short[] _received;
    private readonly short[] _sent;
    private readonly short[] _resampled;
    private readonly short[] _in = new short[MediaThread.FrameSamples];
    private readonly short[] _out = new short[MediaThread.FrameSamples];
    private readonly short[] _scratch = new short[MediaThread.FrameSamples];
    // The leg's rate differs from the media thread's: frames are converted each way. Each converter is made on first
    // use (an idle call that nobody listens to and that hears only silence never needs one), from the media thread's
    // shared filter for that pair of rates (MediaThread.NewResampler), so a call holds only the filters' histories.
    private readonly bool _resamples;
    private Resampler? _up;
    private Resampler? _down;
    private readonly DtmfDetector _dtmf;
    private readonly bool _detectAtLegRate;
    private readonly bool _detectKeyTones;
    private readonly DtmfDetection[] _detections = new DtmfDetection[8];
    private readonly DtmfDetection[] _signalled = new DtmfDetection[8];
    private KeyPath _audioKeys;
    private KeyPath _signalledKeys;
    private long _tick;
    private readonly VoiceActivityDetector _vad = new();
    private readonly List<(long Id, IAudioSource Source)> _playing = [];
    private readonly HashSet<long> _fetching = [];
    private int _voiced;
    private bool _upIdle;
    private int _silentOut;
    // A G.711 leg whose only sound is one prompt with a table in DecimatedPrompts sends the table's frames instead of
    // filtering the prompt itself (TryPlayDecimated). _prompt is that prompt while the leg's outbound converter history
    // is (really, or as if it had filtered) the prompt's samples just before its position; _promptTable its table.
    // _skipped* remember where the skipped stretch ended, so the converter's history can be set from the prompt when
    // the leg goes back to filtering (a second sound, the prompt stopped or ended): the same frames as if it never left.
    private readonly bool _decimates;
    private BufferAudioSource? _prompt;
    private short[]? _promptTable;
    private BufferAudioSource? _lookedUp;
    private short[]? _lookedUpTable;
    private ReadOnlyMemory<short> _skippedLoop;
    private int _skippedTo;
    private bool _historySkipped;

    public LegMedia(MediaThread mediaThread, string id, IMediaTransport transport)
    {
        _mediaThread = mediaThread;
        Id = id;
        _transport = transport;
        var legFrame = transport.SampleRate / 50;
        _received = new short[legFrame];
        _sent = new short[legFrame];
        _resamples = transport.SampleRate != MediaThread.SampleRate;
        _decimates = transport.SampleRate == DecimatedPrompts.LegRate;
        _detectAtLegRate = transport.SampleRate <= MediaThread.SampleRate;
        _detectKeyTones = transport.DetectsKeyTones;
        _dtmf = new DtmfDetector(_detectAtLegRate ? transport.SampleRate : MediaThread.SampleRate);
        // What either converter can produce for one frame (Resampler.MaxOutputFor: the ratio's floor plus two).
        _resampled = new short[_resamples ? Math.Max((legFrame * MediaThread.SampleRate / transport.SampleRate) + 2, (MediaThread.FrameSamples * transport.SampleRate / MediaThread.SampleRate) + 2) + 8 : 8];
    }

    public string Id { get; }

    /// <summary>Converters this leg holds now (0 for a leg at the media rate, or one nobody has listened to or played to yet).</summary>
    internal int ResamplersHeld => (_up is null ? 0 : 1) + (_down is null ? 0 : 1);

    /// <summary>Where party activity goes (the VM's leg).</summary>
    public ILegEventSink? Sink { get; set; }

    public MixerState? Mixer { get; set; }

    public ConferenceParticipant? Participant { get; set; }

    public List<MediaRecording> Recorders { get; } = [];

    public SpeechListener? Listener { get; set; }

    /// <summary>Answering-machine detection while the VM asks for it (after answer).</summary>
    public LegMachineDetection? MachineDetection { get; set; }

    public int Faults { get; set; }

    /// <summary>Frames sent from a prompt's table (<see cref="MediaPlane.DecimatedPrompts"/>) rather than filtered here.</summary>
    internal long DecimatedFrames { get; private set; }

    /// <summary>Whether audio was received this tick.</summary>
    public bool HasInbound { get; private set; }

    // ---- per tick -------------------------------------------------------------------------------------------

    public void Inbound()
    {
        var profile = _mediaThread.Profile;
        var t = profile is null ? 0 : MediaStageProfile.Now();
        HasInbound = _transport.ReadInbound(_received);
        if (!HasInbound) Array.Clear(_received);
        t = Lap(profile, MediaStage.Receive, t);
        // The detectors run on the lower-rate copy of the frame: a G.711 leg's own 8 kHz audio holds everything a key
        // or a voice has on the phone network, and analysing it costs half of analysing the 16 kHz copy.
        if (!_detectAtLegRate || NeedsMediaRateInput) ToMediaRate();
        else _upIdle = true;
        t = Lap(profile, MediaStage.Upsample, t);
        var detected = _detectAtLegRate ? _received : _in;

        _tick++;
        var signalled = _transport.ReadDigits(_signalled);
        for (var i = 0; i < signalled; i++) OnKey(_signalled[i], inAudio: false);
        // DTMF runs on silence too so a key's end is seen when the sender stops.
        var n = _detectKeyTones ? _dtmf.Process(detected, _detections) : 0;
        for (var i = 0; i < n; i++) OnKey(_detections[i], inAudio: true);
        t = Lap(profile, MediaStage.Dtmf, t);
        // The VAD runs all the time so its noise floor is learnt before a recording asks about silence (a recording
        // that started mid-sound would otherwise take that sound for the floor); only recordings need the reports.
        var voiced = _vad.Process(detected);
        if (Recorders.Count > 0) ReportSound(voiced);
        t = Lap(profile, MediaStage.Vad, t);
        // In-band key tones are never speech: the listener keeps them from the VAD and the recogniser.
        Listener?.Process(_in, n > 0 || _dtmf.ToneSounding);
        if (MachineDetection?.Process(_in) == true) MachineDetection = null;
        t = Lap(profile, MediaStage.Listen, t);
        if (HasInbound && Mixer is { IsSolo: false }) Participant?.WriteInput(_in);
        Lap(profile, MediaStage.Mix, t);
    }

    /// <summary>
    /// Whether anything reads the received audio at the media rate this tick (<see cref="_in"/>): a speech listener,
    /// a machine detection, a leg recording, or a mixer with someone else to hear it. When nothing does (a lone caller listening to a
    /// prompt: the common IVR case), resampling it is skipped. A new per-leg consumer of <see cref="_in"/> must be
    /// added here.
    /// </summary>
    private bool NeedsMediaRateInput => Listener is not null || MachineDetection is not null || Recorders.Count > 0 || Mixer is { IsSolo: false };

    /// <summary>
    /// Makes the converters this leg now needs (something plays to it or it is heard in a conversation: the outbound one;
    /// something reads its audio at the media rate: the inbound one). Called after the media thread's commands, which
    /// are what give a leg those, so the frame path finds them made; it still makes one itself if a need arose
    /// otherwise.
    /// </summary>
    public void PrepareConverters()
    {
        if (!_resamples) return;
        if (_up is null && NeedsMediaRateInput) _up = NewUp();
        if (_down is null && (_playing.Count > 0 || (Participant is not null && Mixer is { IsSolo: false }))) _down = NewDown();
    }

    private Resampler NewUp() => _mediaThread.NewResampler(_transport.SampleRate, MediaThread.SampleRate, _received.Length); // one 20 ms frame: not a 1,024-sample history

    private Resampler NewDown() => _mediaThread.NewResampler(MediaThread.SampleRate, _transport.SampleRate, MediaThread.FrameSamples);

    /// <summary>Fills <see cref="_in"/> from <see cref="_received"/>.</summary>
    private void ToMediaRate()
    {
        if (!_resamples)
        {
            _received.CopyTo(_in, 0);
            return;
        }
        if (_up is null)
        {
            _up = NewUp();
        }
        else if (_upIdle)
        {
            // The frames skipped while nobody listened must not leak into the filter's history.
            _up.Reset();
        }
        _upIdle = false;
        Fit(_up.Process(_received, _resampled), _in);
    }

    private static long Lap(MediaStageProfile? profile, MediaStage stage, long since) => profile?.Lap(stage, since) ?? 0;

    public void Outbound()
    {
        var profile = _mediaThread.Profile;
        var t = profile is null ? 0 : MediaStageProfile.Now();
        if (_decimates && TryPlayDecimated())
        {
            t = Lap(profile, MediaStage.Playback, t);
            _transport.WriteOutbound(_sent);
            Lap(profile, MediaStage.Send, t);
            return;
        }
        var output = _out.AsSpan();
        var silent = true;
        var mixed = false;
        if (Participant is { } p && Mixer is { IsSolo: false })
        {
            p.Output.CopyTo(output);
            silent = false;
            mixed = true;
        }
        else output.Clear();
        t = Lap(profile, MediaStage.Mix, t);
        // The one prompt this frame is made of, read whole: then the frame is that prompt's samples as they are.
        var only = !mixed && _playing.Count == 1 ? _playing[0].Source as BufferAudioSource : null;
        for (var i = _playing.Count - 1; i >= 0; i--)
        {
            var (id, source) = _playing[i];
            var n = source.Read(_scratch);
            Pcm16.MixInto(_scratch.AsSpan(0, n), output);
            silent = false;
            if (n < _scratch.Length)
            {
                only = null;
                _playing.RemoveAt(i);
                Finished(id, source);
            }
        }
        t = Lap(profile, MediaStage.Playback, t);
        for (var i = 0; i < Recorders.Count; i++) Recorders[i].WriteLeg(_in, _out);
        t = Lap(profile, MediaStage.Record, t);
        if (!_resamples) _transport.WriteOutbound(_out);
        else
        {
            if (_historySkipped)
            {
                // Back from the prompt's table: the converter's history is what it would hold had it filtered the
                // skipped frames itself (the prompt's samples before where the table left off).
                _down!.ContinueLoop(_skippedLoop.Span, _skippedTo);
                _historySkipped = false;
                _skippedLoop = default;
            }
            // Once a whole silent frame has gone through, the filter's history is all zeros and it would only produce
            // zeros: skipping it then is exact, and idle legs (no prompt, no conversation) cost no filtering — nor a
            // converter at all until the first sound (a new converter's history is zeros too).
            _silentOut = silent ? _silentOut + 1 : 0;
            if (_silentOut > 1 || (silent && _down is null)) Array.Clear(_sent);
            else Fit((_down ??= NewDown()).Process(_out, _resampled), _sent);
            t = Lap(profile, MediaStage.Downsample, t);
            if (_decimates) FollowPrompt(only);
            _transport.WriteOutbound(_sent);
        }
        Lap(profile, MediaStage.Send, t);
    }

    /// <summary>
    /// After a frame filtered here: whether the converter's history is now <paramref name="only"/>'s samples before its
    /// position (the frame was that prompt alone, read whole) and the prompt has a table, so the next frames can come
    /// from the table.
    /// </summary>
    private void FollowPrompt(BufferAudioSource? only)
    {
        if (only is null || _down is null)
        {
            _prompt = null;
            _promptTable = null;
            return;
        }
        // A table built in the background (talk from the speech cache) is looked for again once a second until it is there.
        if (!ReferenceEquals(only, _lookedUp) || (_lookedUpTable is null && _tick % 50 == 0))
        {
            // Once per prompt a leg plays: a fetched prompt's table is built (or not) before it starts (FetchAsync).
            _lookedUp = only;
            _lookedUpTable = _mediaThread.DecimatedPrompts.Find(only);
        }
        _prompt = _lookedUpTable is null ? null : only;
        _promptTable = _lookedUpTable;
    }

    /// <summary>
    /// Sends the next frame of the one prompt this leg hears from its table (<see cref="DecimatedPrompts"/>), when
    /// nothing else is heard or records this leg and a whole frame of the prompt is left: the frame the converter would
    /// have made, without filtering. Otherwise false, and the frame is built as usual.
    /// </summary>
    private bool TryPlayDecimated()
    {
        if (_prompt is not { } prompt || _promptTable is not { } table) return false;
        if (_playing.Count != 1 || !ReferenceEquals(_playing[0].Source, prompt) || Recorders.Count > 0
            || (Participant is not null && Mixer is { IsSolo: false }))
        {
            return false;
        }
        var from = prompt.Position;
        if ((from & 1) != 0 || !prompt.TrySkip(MediaThread.FrameSamples)) return false;
        var sent = _sent.AsSpan();
        var index = from / 2;
        while (!sent.IsEmpty)
        {
            var n = Math.Min(sent.Length, table.Length - index);
            table.AsSpan(index, n).CopyTo(sent);
            sent = sent[n..];
            index = 0;
        }
        _skippedLoop = prompt.Samples;
        _skippedTo = prompt.Position;
        _historySkipped = true;
        _silentOut = 0;
        DecimatedFrames++;
        return true;
    }

    /// <summary>Sends what <see cref="Outbound"/> built, when the transport holds it back (<see cref="IMediaTransport.FlushOutbound"/>).</summary>
    public void Flush() => _transport.FlushOutbound();

    /// <summary>Copies a resampler's output into a fixed frame (its length may differ by a sample for some ratios).</summary>
    private void Fit(int produced, short[] frame)
    {
        var n = Math.Min(produced, frame.Length);
        _resampled.AsSpan(0, n).CopyTo(frame);
        frame.AsSpan(n).Clear();
    }

    private void ReportSound(bool voiced)
    {
        if (!voiced)
        {
            _voiced = 0;
            return;
        }
        // Reported at onset and then every 200 ms: each report re-arms the VM's endOnSilence timer.
        if (_voiced++ % AudioReportFrames == 0) Sink?.Audio(AudioReport);
    }

    /// <summary>The one path of every key of this leg: its start to the VM, its end to the rest of the conversation.</summary>
    private void OnKey(DtmfDetection key, bool inAudio)
    {
        ref var path = ref inAudio ? ref _audioKeys : ref _signalledKeys;
        if (!key.IsEnd)
        {
            ref readonly var other = ref inAudio ? ref _signalledKeys : ref _audioKeys;
            path.Copy = other.Digit == key.Digit && _tick - other.Started <= EchoTicks;
            if (path.Copy) return;
            path.Digit = key.Digit;
            path.Started = _tick;
            Sink?.Digit(key.Digit);
            return;
        }
        if (path.Copy)
        {
            path.Copy = false;
            return;
        }
        if (Mixer is not { } mixer) return;
        for (var i = 0; i < mixer.Members.Count; i++)
        {
            var other = mixer.Members[i];
            if (other != this && !other._transport.ConversationDtmf(key.Digit, key.DurationMilliseconds) && !inAudio)
                other._playing.Add((KeyToneId, _mediaThread.Renderer.KeyTone(key.Digit, key.DurationMilliseconds)));
        }
    }

    /// <summary>The last key accepted from one path (in the audio, or signalled), and whether the key in progress is a copy.</summary>
    private struct KeyPath
    {
        public char Digit;
        public long Started;
        public bool Copy;
    }

    // ---- playback commands ----------------------------------------------------------------------------------

    public void Play(Playback playback)
    {
        if (playback.Kind == PlaybackKind.ConversationAudio)
        {
            // Real conversation audio already flows through the mixer.
            Sink?.PlaybackFinished(playback.Id);
            return;
        }
        if (PlaybackRenderer.IsFetched(playback.Kind) && playback.Url is not null)
        {
            _fetching.Add(playback.Id);
            _ = FetchAsync(playback);
            return;
        }
        IAudioSource source;
        try
        {
            source = _mediaThread.Renderer.Create(playback);
        }
        catch (ArgumentException e)
        {
            _mediaThread.Logger.CannotPlay(Id, playback.Kind, e.Message);
            Sink?.PlaybackFinished(playback.Id);
            return;
        }
        // Talk from the speech cache starts here, on the media thread: its table is built on the thread pool. (Not the
        // silence that stands for talk without espeak-ng: an array of its own for every call.)
        if (_decimates && playback.Kind == PlaybackKind.Talk && _mediaThread.Renderer.Speaks && source is BufferAudioSource talk) _mediaThread.DecimatedPrompts.PrepareInBackground(talk);
        _playing.Add((playback.Id, source));
    }

    private async Task FetchAsync(Playback playback)
    {
        IAudioSource? source = null;
        try
        {
            source = await _mediaThread.Renderer.OpenAsync(playback, CancellationToken.None).ConfigureAwait(false);
            // Here, off the media thread: the first call playing a prompt pays for its 8 kHz table, the frame path never.
            if (_decimates && source is BufferAudioSource buffered) _mediaThread.DecimatedPrompts.Prepare(buffered);
        }
        catch (MediaFetchException e)
        {
            _mediaThread.Logger.FetchFailed(Id, e.Message);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or HttpRequestException)
        {
            _mediaThread.Logger.CannotPlayUrl(e, Id, playback.Url);
        }
        _mediaThread.Post(() =>
        {
            if (!_fetching.Remove(playback.Id))
            {
                Dispose(source); // stopped (or the leg ended) while fetching
                return;
            }
            if (source is null) Sink?.PlaybackFinished(playback.Id); // the flow goes on, as with an unplayable file on the platform
            else Start(playback.Id, source);
        });
    }

    /// <summary>Plays a source made elsewhere (a fetched prompt; tests) under the VM's playback id. Media thread only.</summary>
    internal void Start(long playbackId, IAudioSource source) => _playing.Add((playbackId, source));

    public void Stop(long playbackId)
    {
        if (_fetching.Remove(playbackId)) return;
        for (var i = 0; i < _playing.Count; i++)
        {
            if (_playing[i].Id != playbackId) continue;
            Dispose(_playing[i].Source);
            _playing.RemoveAt(i);
            return;
        }
    }

    private void Finished(long id, IAudioSource source)
    {
        if (source is StreamingAudioSource { Error: { } error }) _mediaThread.Logger.PlaybackFailed(Id, id, error.Message);
        Dispose(source);
        if (id != KeyToneId) Sink?.PlaybackFinished(id);
    }

    private static void Dispose(IAudioSource? source)
    {
        if (source is IAsyncDisposable d) _ = d.DisposeAsync().AsTask();
    }

    /// <summary>The leg left the media thread: release playbacks and recognition (recordings are finished by the VM).</summary>
    public void Close()
    {
        foreach (var (_, source) in _playing) Dispose(source);
        _playing.Clear();
        _fetching.Clear();
        Listener?.Stop();
        Listener = null;
    }
}
