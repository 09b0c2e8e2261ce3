using System.Collections.Concurrent;
using Ncco.Host.Legs;
using Ncco.Legs;

namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>A <c>phone</c> transport whose every leg answers at once and remembers what it was played.</summary>
public sealed class AnsweringPhones : ILegTransportFactory
{
    public ConcurrentQueue<AnsweringPhone> Legs { get; } = new();

    public ILegTransport CreateTransport(OutboundLegRequest request, LegTransportContext context)
    {
        var leg = new AnsweringPhone();
        Legs.Enqueue(leg);
        return leg;
    }
}

/// <summary>A leg that answers when dialled and finishes each playback at once.</summary>
public sealed class AnsweringPhone : ILegTransport
{
    private ILegEventSink? _sink;

    public ConcurrentQueue<Playback> Played { get; } = new();

    public volatile bool HungUp;

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
