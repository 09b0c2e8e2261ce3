using System.Net;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Sessions;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// A softphone built from Ncco.Sip and Ncco.Rtp: calls a SIP address, then runs a 20 ms media loop that sends
/// silence (and queued RFC 4733 keys) and measures what it hears.
/// </summary>
internal sealed class TestSoftphone : IAsyncDisposable
{
    /// <summary>Mean absolute sample value above which a frame counts as sound (G.711 silence decodes to 0 or ±8).</summary>
    public const int VoicedLevel = 200;

    private readonly SipUserAgent _ua;
    private readonly RtpPortLease _lease;
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<char> _keys = new();
    private readonly Queue<short[]> _tones = new();
    private RtpSession? _session;
    private Task _loop = Task.CompletedTask;
    private int _framesHeard;
    private int _framesVoiced;
    private int _silentRun;
    private string _keysReceived = "";
    private readonly List<short> _received = [];
    private IReadOnlyList<SdpCodec> _codecs = [SdpCodec.Pcmu];
    private bool _telephoneEvents = true;

    /// <summary>At most this many decoded samples are kept (a minute of wideband audio).</summary>
    private const int MaxReceived = 16000 * 60;

    private TestSoftphone(SipUserAgent ua, RtpPortLease lease)
    {
        _ua = ua;
        _lease = lease;
    }

    /// <summary>The codec agreed for the call (null before media starts).</summary>
    public string? Codec => _session is null ? null : _audio?.Codec.Name;

    /// <summary>The sample rate of the decoded audio (16000 for G.722, 8000 for G.711).</summary>
    public int SampleRate => _session?.SampleRate ?? 8000;

    private NegotiatedAudio? _audio;

    /// <summary>Everything heard so far, decoded (frames that did not arrive are left out).</summary>
    public short[] Received()
    {
        lock (_received) return [.. _received];
    }

    /// <summary>How many samples have been heard so far (a mark for <see cref="ReceivedSince"/>).</summary>
    public int ReceivedCount
    {
        get
        {
            lock (_received) return _received.Count;
        }
    }

    /// <summary>What was heard after <paramref name="mark"/> (a <see cref="ReceivedCount"/> taken earlier).</summary>
    public short[] ReceivedSince(int mark)
    {
        lock (_received) return [.. _received.Skip(mark)];
    }

    /// <summary>The call placed (null for a phone that waits for calls).</summary>
    public OutgoingCall? Call { get; private set; }

    /// <summary>The call answered (null for a phone that placed its call).</summary>
    public IncomingCall? Incoming { get; private set; }

    /// <summary>Where this phone's SIP listens.</summary>
    public int SipPort => _ua.Layer.Transport.PortOf(Ncco.Sip.Transport.SipTransportKind.Udp);

    /// <summary>Where this phone's SIP over TLS listens (when made with TLS).</summary>
    public int TlsPort => _ua.Layer.Transport.PortOf(Ncco.Sip.Transport.SipTransportKind.Tls);

    /// <summary>Send a 400 Hz tone instead of silence.</summary>
    public bool SendTone { get; set; }

    /// <summary>Frames with sound received so far.</summary>
    public int FramesVoiced => Volatile.Read(ref _framesVoiced);

    /// <summary>Frames received so far (sound or not).</summary>
    public int FramesHeard => Volatile.Read(ref _framesHeard);

    /// <summary>RFC 4733 keys received so far, in order.</summary>
    public string KeysReceived => Volatile.Read(ref _keysReceived);

    /// <summary>Consecutive silent (or missing) frames up to now.</summary>
    public int SilentRun => Volatile.Read(ref _silentRun);

    public static async Task<TestSoftphone> CallAsync(IPEndPoint host, string user, int rtpFirst, IReadOnlyList<SipHeader>? headers = null,
        string fromUser = "softphone", Ncco.Sip.Auth.DigestCredentials? credentials = null, Ncco.Sip.Transport.SipTlsOptions? tls = null,
        IReadOnlyList<SdpCodec>? codecs = null)
    {
        var ua = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, new SipUserAgentOptions { User = fromUser, Credentials = credentials }, tls: tls);
        ua.Start();
        var lease = new RtpPortAllocator(new RtpPortRange(rtpFirst, rtpFirst + 19), IPAddress.Loopback).Allocate();
        var phone = new TestSoftphone(ua, lease) { _codecs = codecs ?? [SdpCodec.Pcmu] };
        // With TLS, host is the peer's TLS address and the call is a sips: one.
        phone.Call = await ua.CallAsync(SipUri.Parse($"{(tls is null ? "sip" : "sips")}:{user}@{host.Address}:{host.Port}"), new LocalMedia("127.0.0.1", lease.RtpPort) { Codecs = phone._codecs },
            new OutgoingCallOptions { Headers = headers ?? [], RingTimeout = TimeSpan.FromSeconds(15) });
        return phone;
    }

    /// <summary>
    /// A phone that waits for a call on a free loopback port; without <paramref name="telephoneEvents"/> its answer leaves
    /// out RFC 4733, as an old phone's does, so keys can reach it only as tones.
    /// </summary>
    public static TestSoftphone Listen(int rtpFirst, Ncco.Sip.Transport.SipTlsOptions? tls = null, IReadOnlyList<SdpCodec>? codecs = null, bool telephoneEvents = true)
    {
        var ua = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, new SipUserAgentOptions { User = "softphone" }, tls: tls);
        ua.Start();
        return new TestSoftphone(ua, new RtpPortAllocator(new RtpPortRange(rtpFirst, rtpFirst + 19), IPAddress.Loopback).Allocate())
        {
            _codecs = codecs ?? [SdpCodec.Pcmu],
            _telephoneEvents = telephoneEvents,
        };
    }

    /// <summary>Waits for a call, answers it and starts the media loop.</summary>
    public async Task AnswerAsync(TimeSpan limit)
    {
        await RingAsync(limit);
        AnswerRinging();
    }

    /// <summary>Waits for a call and rings (180) without answering.</summary>
    public async Task RingAsync(TimeSpan limit)
    {
        Incoming = await _ua.AcceptAsync().AsTask().WaitAsync(limit);
        Incoming.Ring();
    }

    /// <summary>Answers the call <see cref="RingAsync"/> took and starts the media loop.</summary>
    public void AnswerRinging()
    {
        var audio = Incoming!.Answer(new LocalMedia("127.0.0.1", _lease.RtpPort) { Codecs = _codecs, TelephoneEvents = _telephoneEvents });
        Assert.NotNull(audio);
        StartMedia(audio);
    }

    /// <summary>Waits for the answer and starts the media loop.</summary>
    public async Task AnsweredAsync(TimeSpan limit)
    {
        var final = await Call!.Completion.WaitAsync(limit);
        Assert.True(final.StatusCode == 200, $"the call was not answered: {final.StatusCode} {final.ReasonPhrase}");
        StartMedia(Call.Audio!);
    }

    private void StartMedia(NegotiatedAudio audio)
    {
        _audio = audio;
        _session = new RtpSession(_lease, new RtpSessionOptions
        {
            Codec = audio.Codec.Name,
            TelephoneEventPayloadType = audio.TelephoneEventPayloadType is int pt ? (byte)pt : null,
            RemoteRtp = new IPEndPoint(IPAddress.Parse(audio.RemoteAddress), audio.RemotePort),
        });
        _session.Start();
        _loop = Task.Run(() => MediaLoopAsync(_session, _stop.Token));
    }

    /// <summary>Plays <paramref name="keys"/> as DTMF tones in the audio (no RFC 4733 events), as old phones do.</summary>
    public void PressInBand(string keys) => Play(new Ncco.Media.Dtmf.DtmfGenerator(8000).Generate(keys));

    /// <summary>Sends 8 kHz <paramref name="samples"/> (speech, a beep …) after what is already queued, then silence again.</summary>
    public void Play(short[] samples)
    {
        lock (_keys)
        {
            for (var i = 0; i < samples.Length; i += 160)
            {
                var frame = new short[160];
                samples.AsSpan(i, Math.Min(160, samples.Length - i)).CopyTo(frame);
                _tones.Enqueue(frame);
            }
        }
    }

    /// <summary>Queues an RFC 4733 key press.</summary>
    public void Press(char key)
    {
        lock (_keys) _keys.Enqueue(key);
    }

    private async Task MediaLoopAsync(RtpSession session, CancellationToken cancellationToken)
    {
        var outFrame = new short[session.SamplesPerFrame];
        var tone = new short[session.SamplesPerFrame];
        for (var i = 0; i < tone.Length; i++) tone[i] = (short)(8000 * Math.Sin(2 * Math.PI * 400 * i / session.SampleRate));
        var inFrame = new short[session.SamplesPerFrame];
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                short[]? inBand;
                lock (_keys)
                {
                    while (_keys.TryDequeue(out var key)) session.SendDigit(key);
                    _tones.TryDequeue(out inBand);
                }
                // 400 Hz is exactly 8 cycles per 20 ms frame, so repeating one frame gives a clean continuous tone.
                session.WriteFrame(inBand ?? (SendTone ? tone : outFrame));
                var got = session.ReadFrame(inFrame);
                while (session.TryReadDtmf(out var received))
                {
                    if (!received.IsEnd) Volatile.Write(ref _keysReceived, _keysReceived + received.Digit);
                }
                if (!got)
                {
                    Interlocked.Increment(ref _silentRun);
                    continue;
                }
                Interlocked.Increment(ref _framesHeard);
                lock (_received)
                {
                    if (_received.Count < MaxReceived) _received.AddRange(inFrame);
                }
                long sum = 0;
                foreach (var s in inFrame) sum += Math.Abs((int)s);
                if (sum / inFrame.Length > VoicedLevel)
                {
                    Interlocked.Increment(ref _framesVoiced);
                    Volatile.Write(ref _silentRun, 0);
                }
                else
                {
                    Interlocked.Increment(ref _silentRun);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        if (_session is not null) await _session.DisposeAsync();
        else _lease.Dispose();
        SipCall? call = (SipCall?)Call ?? Incoming;
        if (call is { IsEnded: false })
        {
            try
            {
                await call.HangupAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                // The host is going away too.
            }
        }
        await _ua.DisposeAsync();
        _stop.Dispose();
    }
}
