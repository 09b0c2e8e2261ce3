namespace Ncco.Legs;

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
    /// A media plane found that what followed <see cref="SpeechStarted"/> held no speech (nothing recognised, or nothing
    /// at its minimum confidence: noise, a breath): the speech <c>input</c> goes on as if nothing had been said, under
    /// what is left of its start timeout, and the plane listens on. Semantic legs never call it.
    /// </summary>
    void SpeechAbandoned()
    {
    }
    /// <summary>
    /// A media plane could not recognise what followed <see cref="SpeechStarted"/>: the recogniser failed, refused the
    /// utterance (saturated) or no decoder was free in time. The speech <c>input</c> ends at once with the speech result's
    /// <c>error</c> set to <paramref name="error"/> and no results. Semantic legs never call it.
    /// </summary>
    void SpeechFailed(string error)
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
    /// <summary>A playback started with <see cref="ILegTransport.Play"/> has finished all its loops.</summary>
    void PlaybackFinished(long playbackId);
    /// <summary>The party hung up (or, for websockets, the application closed the socket).</summary>
    void HungUp();
}
