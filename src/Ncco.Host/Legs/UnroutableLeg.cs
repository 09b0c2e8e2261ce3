using Ncco.Legs;

namespace Ncco.Host.Legs;

/// <summary>
/// A leg for endpoints this host cannot reach (phone and vbc; sip with the SIP gateway off): dialling it reports <c>failed</c> with
/// <c>cannot_route</c> at once, so a <c>connect</c> moves on (or asks for a fallback NCCO) instead of ringing until its timeout.
/// </summary>
internal sealed class UnroutableLeg : ILegTransport
{
    private ILegEventSink? _sink;

    public void Attach(ILegEventSink sink) => _sink = sink;

    public void Answer()
    {
    }

    public void Dial() => _sink?.Failed("cannot_route");

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
