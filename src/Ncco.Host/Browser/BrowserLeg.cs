using System.Collections.Concurrent;
using Ncco.Calls;
using Ncco.Host.MediaPlane;
using Ncco.Legs;
using Ncco.Media.Dtmf;

namespace Ncco.Host.Browser;

/// <summary>
/// One call leg of a browser phone user (an <c>app</c> endpoint): the browser's microphone arrives as 20 ms L16 frames at
/// 16 kHz over the phone's WebSocket and goes into the conversation; what the leg hears (mix + playbacks) goes back the
/// same way, paced by the shared media clock. Inbound (the user calls the application): the VM answers it with
/// <see cref="ILegTransport.Answer"/>. Outbound (<c>connect</c> or REST <c>to</c> <c>{"type":"app","user":…}</c>): <see cref="ILegTransport.Dial"/>
/// rings the user's phone, which answers, rejects or lets it ring until the VM gives up.
/// </summary>
/// <remarks>
/// Keys from the keypad arrive as <c>{"action":"dtmf","digit":"5"}</c> and are handed to the media thread's one key
/// path (<see cref="IMediaTransport.ReadDigits"/>) as a press of <see cref="KeyTone"/> followed by
/// <see cref="KeyGap"/>, one key at a time, as a handset would send them: the VM gets the digit once, and the rest of
/// the conversation is told of it (a WebSocket leg's <c>websocket:dtmf</c>, RFC 4733 to a SIP phone, a tone to a SIP
/// phone without telephone-event). The inbound queue keeps at most <see cref="InboundQueueFrames"/> frames: a browser
/// that sends in bursts loses its oldest audio, not latency.
/// </remarks>
internal sealed class BrowserLeg : ILegTransport, IMediaTransport
{
    /// <summary>Audio frames from the browser waiting for the media thread (200 ms).</summary>
    public const int InboundQueueFrames = 10;

    /// <summary>Frames buffered before the media thread starts reading the browser's audio (and again after it ran dry).</summary>
    public const int JitterFrames = 2;

    /// <summary>The rate of the audio exchanged with the browser (<c>audio/l16;rate=16000</c>).</summary>
    public const int Rate = 16000;

    /// <summary>Bytes in one 20 ms frame.</summary>
    public const int FrameBytes = Rate / 50 * sizeof(short);

    /// <summary>Keys waiting their turn (each takes <see cref="KeyTone"/> + <see cref="KeyGap"/>); more are refused (a keypad is not a modem).</summary>
    public const int KeyQueueLimit = 32;

    /// <summary>How long one key is pressed (a phone's short press is about 100 ms; forwarded as that duration).</summary>
    public static readonly TimeSpan KeyTone = TimeSpan.FromMilliseconds(100);

    /// <summary>The pause after a key before the next, so a far end counting keys (tones or RFC 4733) sees two presses of one key as two.</summary>
    public static readonly TimeSpan KeyGap = TimeSpan.FromMilliseconds(60);

    private const int KeyTicks = 5; // KeyTone in 20 ms ticks
    private const int GapTicks = 3; // KeyGap, rounded up

    private readonly MediaThread _mediaThread;
    private readonly BrowserPhone _phone;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<short[]> _inbound = new();
    private readonly ConcurrentQueue<short[]> _pool = new();
    private readonly ConcurrentQueue<char> _keys = new();
    private char _key; // media thread: the key being pressed, or '\0'
    private int _keyTicks; // media thread: ticks left of the key (then of its gap)
    private ILegEventSink? _sink;
    private LegMedia? _media;
    private bool _priming = true; // media thread only
    private int _state; // 0 created, 1 ringing, 2 connected, 3 ended
    private readonly bool _placedByPhone; // the signed-in user dialled out (inbound to the VM)

    /// <summary>A leg for the user <paramref name="target"/> (outbound) or placed by <paramref name="session"/> (inbound).</summary>
    public BrowserLeg(BrowserPhone phone, MediaThread mediaThread, ILogger logger, BrowserUser target, BrowserPhoneSession? session)
    {
        _phone = phone;
        _mediaThread = mediaThread;
        _logger = logger;
        Target = target;
        Session = session;
        _placedByPhone = session is not null;
    }

    /// <summary>The VM's uuid of the leg (known once attached).</summary>
    public string LegId { get; private set; } = "";

    /// <summary>The user called (outbound) or calling (inbound).</summary>
    public BrowserUser Target { get; }

    /// <summary>The phone the call is on (null while an outbound call has found no phone yet).</summary>
    public BrowserPhoneSession? Session { get; private set; }

    /// <summary>True once the call is over for this leg.</summary>
    public bool IsEnded => Volatile.Read(ref _state) == 3;

    int IMediaTransport.SampleRate => Rate;

    // ---- ILegTransport (VM thread) -------------------------------------------------------------------------------------

    void ILegTransport.Attach(ILegEventSink sink)
    {
        _sink = sink;
        if (sink is CallLeg leg) LegId = leg.Id;
        // "calling" goes out here, before the answer webhook runs: a call the application ends at once (an empty NCCO)
        // must reach the phone as calling → ended, never ended → calling.
        if (_placedByPhone) Session?.Send(BrowserPhoneMessages.Calling(LegId));
    }

    void ILegTransport.Answer()
    {
        // Inbound: the application's NCCO is about to run; the audio path must exist before it plays anything.
        if (Interlocked.CompareExchange(ref _state, 2, 0) != 0) return;
        StartMedia();
        Session?.Send(BrowserPhoneMessages.Answered(LegId));
    }

    void ILegTransport.Dial()
    {
        var session = _phone.Ring(this);
        if (session is null)
        {
            _logger.UserNotSignedIn(LegId, Target.Name);
            Interlocked.Exchange(ref _state, 3);
            _sink?.Unanswered("unavailable");
            return;
        }
        Session = session;
        Interlocked.Exchange(ref _state, 1);
        _sink?.Ringing();
    }

    void ILegTransport.Play(Playback playback) => _mediaThread.Play(_media, playback, _sink);

    void ILegTransport.StopPlayback(long playbackId) => _mediaThread.StopPlayback(_media, playbackId);

    void ILegTransport.Hangup() => End(Volatile.Read(ref _state) == 1 ? "cancelled" : "hangup");

    // ---- from the phone (its receive loop) --------------------------------------------------------------------

    /// <summary>The user accepted the ringing call.</summary>
    public bool UserAnswered()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1) return false;
        StartMedia();
        Session?.Send(BrowserPhoneMessages.Answered(LegId));
        _sink?.Answered();
        return true;
    }

    /// <summary>The user declined the ringing call.</summary>
    public void UserRejected()
    {
        if (Interlocked.CompareExchange(ref _state, 3, 1) != 1) return;
        Session?.CallEnded(this, BrowserPhoneMessages.Ended(LegId, "rejected"));
        _sink?.Rejected("declined");
    }

    /// <summary>The user hung up (or the phone went away).</summary>
    public void UserHungUp()
    {
        var previous = Interlocked.Exchange(ref _state, 3);
        if (previous == 3) return;
        StopMedia();
        Session?.CallEnded(this, BrowserPhoneMessages.Ended(LegId, "hangup"));
        if (previous == 1) _sink?.Rejected("declined");
        else _sink?.HungUp();
    }

    /// <summary>
    /// A key pressed on the keypad: queued for the media thread's key path rather than reported to the VM here, so it
    /// is reported and forwarded like a key on any other leg. False when too many keys are already waiting.
    /// </summary>
    public bool UserDigit(char digit)
    {
        if (Volatile.Read(ref _state) != 2) return true;
        if (_keys.Count >= KeyQueueLimit) return false;
        _keys.Enqueue(digit);
        return true;
    }

    /// <summary>Queues the browser's audio (whole frames; the caller checked the length).</summary>
    public void UserAudio(ReadOnlySpan<byte> frames)
    {
        if (Volatile.Read(ref _state) != 2) return;
        for (var i = 0; i + FrameBytes <= frames.Length; i += FrameBytes)
        {
            var frame = _pool.TryDequeue(out var f) ? f : new short[FrameBytes / 2];
            Ncco.Media.Pcm.Pcm16.FromLittleEndianBytes(frames.Slice(i, FrameBytes), frame);
            _inbound.Enqueue(frame);
            while (_inbound.Count > InboundQueueFrames && _inbound.TryDequeue(out var old)) _pool.Enqueue(old);
        }
    }

    // ---- IMediaTransport (media thread) -----------------------------------------------------------------------

    bool IMediaTransport.ReadInbound(Span<short> frame)
    {
        // A browser's frames arrive with jitter (the worklet posts per render quantum, the network adds its own): after
        // running dry, wait for JitterFrames before reading again, so one late frame costs 40 ms once rather than a
        // gap of silence every few hundred milliseconds.
        if (_priming)
        {
            if (_inbound.Count < JitterFrames) return false;
            _priming = false;
        }
        if (!_inbound.TryDequeue(out var f))
        {
            _priming = true;
            return false;
        }
        f.CopyTo(frame);
        _pool.Enqueue(f);
        return true;
    }

    void IMediaTransport.WriteOutbound(ReadOnlySpan<short> frame)
    {
        if (Volatile.Read(ref _state) == 2) Session?.SendAudio(frame);
    }

    /// <summary>Presses the queued keys one at a time: a start, <see cref="KeyTone"/> later its end, then <see cref="KeyGap"/> of nothing.</summary>
    int IMediaTransport.ReadDigits(Span<DtmfDetection> digits)
    {
        if (_keyTicks > 0 && --_keyTicks > 0) return 0;
        if (_key != '\0')
        {
            digits[0] = new DtmfDetection(_key, IsEnd: true, 0, (int)KeyTone.TotalMilliseconds);
            _key = '\0';
            _keyTicks = GapTicks;
            return 1;
        }
        if (!_keys.TryDequeue(out var key)) return 0;
        _key = key;
        _keyTicks = KeyTicks;
        digits[0] = new DtmfDetection(key, IsEnd: false, 0, 0);
        return 1;
    }

    bool IMediaTransport.ConversationDtmf(char digit, int durationMilliseconds)
    {
        Session?.Send(BrowserPhoneMessages.Dtmf(digit, durationMilliseconds));
        return true;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private void StartMedia()
    {
        var media = new LegMedia(_mediaThread, LegId, this) { Sink = _sink };
        _media = media;
        _mediaThread.Post(() => _mediaThread.Add(media));
    }

    private void StopMedia()
    {
        var media = Interlocked.Exchange(ref _media, null);
        if (media is not null) _mediaThread.Post(() => _mediaThread.Remove(media));
    }

    private void End(string reason)
    {
        if (Interlocked.Exchange(ref _state, 3) == 3) return;
        StopMedia();
        Session?.CallEnded(this, BrowserPhoneMessages.Ended(LegId, reason));
    }
}
