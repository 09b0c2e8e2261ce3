using Ncco.Media.Dtmf;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// What a leg transport (WebSocket, browser phone, SIP/RTP) gives the media thread. Called on the media thread only;
/// implementations must not block and should not allocate per frame.
/// </summary>
/// <remarks>
/// Keys take one path whatever their transport: tones in the received audio are found by <see cref="LegMedia"/>'s
/// detector, keys signalled beside the audio (RFC 4733 events, a browser keypad's message, later SIP INFO) come from
/// <see cref="ReadDigits"/>, and <see cref="LegMedia"/> reports both to the VM and forwards both to the other legs of the
/// conversation through <see cref="ConversationDtmf"/>.
/// </remarks>
internal interface IMediaTransport
{
    /// <summary>The transport's sample rate (8000, 16000 or 24000); frames are 20 ms at this rate.</summary>
    int SampleRate { get; }

    /// <summary>
    /// Whether <see cref="LegMedia"/> looks for DTMF tones in the received audio (a caller's phone, default). False for
    /// audio that is not a caller's (a <c>websocket</c> application's playback, see <see cref="Configuration.MediaOptions.WebSocketKeyTones"/>):
    /// the detector is then not run at all.
    /// </summary>
    bool DetectsKeyTones => true;

    /// <summary>Takes the next received 20 ms frame into <paramref name="frame"/>; false when none is ready (silence).</summary>
    bool ReadInbound(Span<short> frame);

    /// <summary>
    /// Takes the keys the party signalled beside the audio since the last tick into <paramref name="digits"/>, each as a
    /// start report and later an end report with its duration (<see cref="DtmfDetection.StartSample"/> is not used);
    /// returns how many were written. Called once per tick, after <see cref="ReadInbound"/>; a transport whose keys can
    /// only be tones in its audio (a WebSocket) has none.
    /// </summary>
    int ReadDigits(Span<DtmfDetection> digits) => 0;

    /// <summary>
    /// Sends one 20 ms frame of what the leg hears — or, for a transport whose packets are paced by the media thread
    /// (RTP), builds it and holds it until <see cref="FlushOutbound"/>.
    /// </summary>
    void WriteOutbound(ReadOnlySpan<short> frame);

    /// <summary>
    /// Sends the frame <see cref="WriteOutbound"/> held back, if any. The media thread calls it for every leg in one
    /// tight loop at a fixed instant after each tick (see <see cref="MediaThread"/>), so a stream's packets leave 20 ms
    /// apart however long building them took. Transports that send at once (WebSockets: their frames are queued for
    /// the connection's writer anyway) need not implement it.
    /// </summary>
    void FlushOutbound()
    {
    }

    /// <summary>
    /// Another leg of the conversation pressed <paramref name="digit"/>, now ended after
    /// <paramref name="durationMilliseconds"/>: tell the party in the transport's own way (RFC 4733, <c>websocket:dtmf</c>,
    /// the browser phone's <c>dtmf</c> event). Returns false when the transport has no way to signal a key beside the
    /// audio (a SIP peer that did not agree to telephone-event): the media plane then plays it as a tone, unless the key
    /// was a tone in the audio the party already hears.
    /// </summary>
    bool ConversationDtmf(char digit, int durationMilliseconds);
}
