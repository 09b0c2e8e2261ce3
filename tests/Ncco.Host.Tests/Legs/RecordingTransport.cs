using System.Collections.Concurrent;
using Ncco.Host.Legs;
using Ncco.Legs;

namespace Ncco.Host.Tests.Legs;

/// <summary>
/// A leg transport of a user's own, registered through the public seam: every leg answers when dialled, finishes each
/// playback at once and remembers what it was asked to play.
/// </summary>
public sealed class RecordingTransport : ILegTransportFactory
{
    public ConcurrentQueue<(OutboundLegRequest Request, LegTransportContext Context, AnsweringLeg Leg)> Created { get; } = new();

    public ILegTransport CreateTransport(OutboundLegRequest request, LegTransportContext context)
    {
        var leg = new AnsweringLeg();
        Created.Enqueue((request, context, leg));
        return leg;
    }
}

/// <summary>A leg that answers at once; what it was played is in <see cref="Played"/>.</summary>
public sealed class AnsweringLeg : ILegTransport
{
    private ILegEventSink? _sink;

    public ConcurrentQueue<Playback> Played { get; } = new();

    public bool HungUp { get; private set; }

    public void Attach(ILegEventSink sink) => _sink = sink;

    public void Answer()
    {
    }

    public void Dial()
    {
        _sink?.Ringing();
        _sink?.Answered();
    }

    public void Play(Playback playback)
    {
        Played.Enqueue(playback);
        _sink?.PlaybackFinished(playback.Id);
    }

    public void StopPlayback(long playbackId)
    {
    }

    public void Hangup() => HungUp = true;
}
