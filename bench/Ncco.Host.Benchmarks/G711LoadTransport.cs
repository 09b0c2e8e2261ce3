using Ncco.Host.MediaPlane;
using Ncco.Media.G711;

namespace Ncco.Host.Benchmarks;

/// <summary>
/// A SIP leg's media without sockets: every tick an A-law 20 ms frame is decoded as "received" (speech-like audio,
/// looped) and what the leg hears is A-law encoded as if sent. What it leaves out of a real <c>RtpSession</c>: the
/// jitter buffer and its lock, the RTP header and the <c>sendto</c> system call (measured apart in the SIPp load).
/// </summary>
internal sealed class G711LoadTransport : IMediaTransport
{
    public const int Rate = 8000;
    private const int Frame = Rate / 50;
    private readonly byte[] _inbound;
    private readonly byte[] _encoded = new byte[Frame];
    private int _position;

    public G711LoadTransport(byte[] inbound, int offsetFrames)
    {
        _inbound = inbound;
        _position = (offsetFrames * Frame) % inbound.Length;
    }

    public static byte[] Encode(short[] speech)
    {
        var encoded = new byte[speech.Length - (speech.Length % Frame)];
        ALaw.Encode(speech.AsSpan(0, encoded.Length), encoded);
        return encoded;
    }

    public int SampleRate => Rate;

    public long FramesSent { get; private set; }

    public bool ReadInbound(Span<short> frame)
    {
        ALaw.Decode(_inbound.AsSpan(_position, Frame), frame);
        _position = (_position + Frame) % _inbound.Length;
        return true;
    }

    public void WriteOutbound(ReadOnlySpan<short> frame)
    {
        ALaw.Encode(frame, _encoded);
        FramesSent++;
    }

    public bool ConversationDtmf(char digit, int durationMilliseconds) => true;
}
