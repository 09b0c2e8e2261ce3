using System.Collections.Concurrent;
using Ncco.Legs;

namespace Ncco.Tests.Shared;

/// <summary>
/// A leg transport that answers as soon as it is dialled, finishes each playback at once and remembers what it was
/// asked to play — the stand-in phone of host tests that register their own transport through the public seam.
/// </summary>
public sealed class AnsweringLeg : ILegTransport
{
    private ILegEventSink? _sink;
    private volatile bool _hungUp;

    /// <summary>Everything the VM played to this leg, in order.</summary>
    public ConcurrentQueue<Playback> Played { get; } = new();

    /// <summary>True once the VM hung the leg up.</summary>
    public bool HungUp => _hungUp;

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

    public void Hangup() => _hungUp = true;
}
