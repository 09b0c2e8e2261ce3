using Ncco.Legs;

namespace Ncco.Host.Legs;

/// <summary>
/// A leg for endpoints this host cannot reach (an endpoint type without a transport, like vbc, or sip with the SIP
/// gateway off): dialling it reports <c>failed</c> with <paramref name="detail"/> (<c>cannot_route</c>) at once, so a
/// <c>connect</c> moves on (or asks for a fallback NCCO) instead of ringing until its timeout.
/// </summary>
internal sealed class UnroutableLeg(string detail = "cannot_route") : ILegTransport
{
    private ILegEventSink? _sink;

    public void Attach(ILegEventSink sink) => _sink = sink;

    public void Answer()
    {
    }

    public void Dial() => _sink?.Failed(detail);

    public void Play(Playback playback)
    {
    }

    public void StopPlayback(long playbackId)
    {
    }

    public void Hangup()
    {
    }
}
