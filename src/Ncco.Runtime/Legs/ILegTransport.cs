namespace Ncco.Legs;

/// <summary>
/// A call leg's media/signalling transport as the VM sees it: what is played to it, and (through
/// <see cref="ILegEventSink"/>) what the party does. The simulator's virtual legs and the host's WebSocket, SIP and
/// browser legs implement this; the VM does not know which it is talking to.
/// </summary>
/// <remarks>The VM calls these members on its own logical thread; implementations report back through the sink,
/// from any thread.</remarks>
public interface ILegTransport
{
    /// <summary>Called once by the VM before anything else; the leg reports party activity to <paramref name="sink"/>.</summary>
    void Attach(ILegEventSink sink);

    /// <summary>Inbound: the platform answers the call.</summary>
    void Answer();

    /// <summary>Outbound: start calling the party; the leg reports ringing/answered/busy/… to the sink.</summary>
    void Dial();

    /// <summary>Start playing; report <see cref="ILegEventSink.PlaybackFinished"/> when all loops finished.</summary>
    void Play(Playback playback);

    /// <summary>Stop a playback early (no finished report required).</summary>
    void StopPlayback(long playbackId);

    /// <summary>The platform ends the leg (no <see cref="ILegEventSink.HungUp"/> report is expected).</summary>
    void Hangup();
}
