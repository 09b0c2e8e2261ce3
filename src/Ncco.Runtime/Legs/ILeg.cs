namespace Ncco.Legs;

/// <summary>
/// A call leg's media/signalling transport as the VM sees it: what is played to it, and (through
/// <see cref="ILegEventSink"/>) what the party does. Virtual, WebSocket and SIP legs implement this; the VM does
/// not know which it is talking to.
/// </summary>
/// <remarks>The VM calls these members on its own logical thread; implementations report back through the sink,
/// from any thread.</remarks>
public interface ILeg
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

/// <summary>What a party does, reported by a leg to the VM. Safe to call from any thread.</summary>
public interface ILegEventSink
{
    /// <summary>Outbound: the destination is ringing.</summary>
    void Ringing();
    /// <summary>Outbound: the party answered.</summary>
    void Answered();
    /// <summary>Outbound: the party is busy (SIP 486).</summary>
    void Busy();
    /// <summary>Outbound: nobody answered / unreachable (<paramref name="detail"/> e.g. <c>unavailable</c>).</summary>
    void Unanswered(string detail = "unavailable");
    /// <summary>Outbound: rejected (<paramref name="detail"/> e.g. <c>declined</c>).</summary>
    void Rejected(string detail = "declined");
    /// <summary>Outbound: could not connect (<paramref name="detail"/> e.g. <c>cannot_route</c>).</summary>
    void Failed(string detail = "cannot_route");
    /// <summary>
    /// Answering-machine detection. The first report is the verdict (<paramref name="beep"/> when the beep was heard
    /// with it); after a <c>machine</c> verdict, a later <c>MachineDetection(true, beep: true)</c> reports the beep.
    /// Legs that detect nothing themselves never call it: the media plane does, or the VM's deadline says human.
    /// </summary>
    void MachineDetection(bool isMachine, bool beep = false);
    /// <summary>The party pressed a key.</summary>
    void Digit(char digit);
    /// <summary>
    /// The party said something (already recognised for virtual legs). <paramref name="audioFileId"/> names the saved
    /// utterance when the listen request asked for <see cref="MediaListenRequest.SaveAudio"/>.
    /// </summary>
    void Speech(string text, double confidence, TimeSpan duration, string? audioFileId = null);
    /// <summary>Non-speech audio from the party (for record silence detection).</summary>
    void Audio(TimeSpan duration);
    /// <summary>
    /// A media plane heard the party start speaking during a speech <c>input</c> (barge-in happens now, the utterance
    /// follows with <see cref="Speech"/>). Semantic legs never call it.
    /// </summary>
    void SpeechStarted()
    {
    }
    /// <summary>
    /// SIP legs: the status of the final response that ended dialling, reported just before <see cref="Busy"/>,
    /// <see cref="Unanswered"/>, <see cref="Rejected"/> or <see cref="Failed"/> so the event's <c>sip_code</c> is the
    /// callee's own rather than the status's usual code. Other legs never call it.
    /// </summary>
    void SipStatus(int statusCode)
    {
    }
    /// <summary>A playback started with <see cref="ILeg.Play"/> has finished all its loops.</summary>
    void PlaybackFinished(long playbackId);
    /// <summary>The party hung up (or, for websockets, the application closed the socket).</summary>
    void HungUp();
}

/// <summary>Creates outbound legs for <c>connect</c> and outbound calls.</summary>
public interface ILegDialer
{
    /// <summary>Creates (but does not dial) a leg for <paramref name="request"/>.</summary>
    ILeg CreateLeg(OutboundLegRequest request);
}

/// <summary>What the VM wants dialled.</summary>
/// <param name="LegId">Uuid the VM gave the new leg.</param>
/// <param name="Endpoint">Destination.</param>
/// <param name="From">Caller id presented, if any.</param>
/// <param name="MachineDetection">True when AMD was requested.</param>
public sealed record OutboundLegRequest(string LegId, Ncco.Model.Endpoints.CallEndpoint Endpoint, string? From, bool MachineDetection);
