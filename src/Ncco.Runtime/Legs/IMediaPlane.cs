namespace Ncco.Legs;

/// <summary>
/// The optional seam between the VM and a real media implementation (mixing, recording files, speech recognition).
/// Set it with <see cref="Calls.NccoVmOptions.Media"/>; when it is null (the default, and what the simulator
/// uses) the VM behaves exactly as with semantic legs: conversation audio is routed as <see cref="PlaybackKind.ConversationAudio"/>
/// playbacks, recordings get a size estimated from their duration and speech arrives already recognised.
/// </summary>
/// <remarks>
/// Every member is called on the VM's logical thread and must return quickly (queue the work for the media thread).
/// Results come back through the legs' <see cref="ILegEventSink"/> (speech, sound, digits) or, for recordings, through
/// the task returned by <see cref="IMediaRecording.StopAsync"/>.
/// </remarks>
public interface IMediaPlane
{
    /// <summary>
    /// The audio topology of one conversation changed (a leg joined or left the mix, mute/earmuff/canHear/canSpeak
    /// changed, the conversation started or ended). <paramref name="mix"/> is the complete new state of that
    /// conversation; an empty participant list means nobody is mixed in it any more.
    /// </summary>
    void MixChanged(MediaMix mix);

    /// <summary>Starts writing a recording (a <c>record</c> action on a leg, or <c>conversation.record</c>).</summary>
    /// <returns>A handle the VM stops when the recording's stop condition fires or its leg/conversation ends.</returns>
    IMediaRecording StartRecording(MediaRecordingRequest request);

    /// <summary>
    /// Starts recognising speech on a leg's inbound audio for a speech <c>input</c>. The plane reports
    /// <see cref="ILegEventSink.SpeechStarted"/> at speech onset and <see cref="ILegEventSink.Speech"/> once the utterance
    /// ended (after its own <c>endOnSilence</c>/<c>maxDuration</c>; empty text when nothing was recognised).
    /// </summary>
    /// <returns>Dispose to stop listening (the input completed or was cancelled).</returns>
    IDisposable StartListening(MediaListenRequest request);

    /// <summary>
    /// Transcribes a finished recording (a <c>record</c> or conversation recording with <c>transcription</c>) and
    /// returns the id of the transcript file, served like recordings. The default — a plane without recognition —
    /// returns null, and the VM reports a placeholder URL.
    /// </summary>
    /// <exception cref="NotSupportedException">No recognition model for the requested language.</exception>
    Task<string?> TranscribeAsync(MediaTranscriptionRequest request, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>
    /// Starts answering-machine detection on an answered outbound leg's received audio (<c>machineDetection</c> /
    /// <c>advancedMachineDetection</c>). The plane reports through the leg's sink: once
    /// <see cref="ILegEventSink.MachineDetection"/> with the verdict (<c>beep: true</c> if the beep was the first thing
    /// heard), then, after a <c>machine</c> verdict and while <see cref="MediaMachineDetectionRequest.BeepTimeout"/>
    /// runs, <c>MachineDetection(true, beep: true)</c> when the beep is heard. The default — a plane that does not
    /// detect — returns null, and the VM relies on the leg's own reports or its deadline (then <c>human</c>).
    /// </summary>
    /// <returns>Dispose to stop detecting (the VM has what it needs, or the leg ended); null when not supported.</returns>
    IDisposable? StartMachineDetection(MediaMachineDetectionRequest request) => null;
}

/// <summary>A finished recording to transcribe.</summary>
/// <param name="RecordingFileId">The recording's file id (from <see cref="MediaRecordingResult.FileId"/>).</param>
/// <param name="Language">BCP-47 language of the speech.</param>
/// <param name="ConversationId">The conversation the recording belongs to.</param>
/// <param name="LegId">The recorded leg, or null for a conversation recording.</param>
public sealed record MediaTranscriptionRequest(string RecordingFileId, string Language, string ConversationId, string? LegId);

/// <summary>A recording being written by the media plane.</summary>
public interface IMediaRecording
{
    /// <summary>Stops taking audio, finishes the file and returns where it is and how big it is.</summary>
    Task<MediaRecordingResult> StopAsync(CancellationToken cancellationToken);
}
