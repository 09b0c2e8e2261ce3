using Ncco.Media.Mixing;

namespace Ncco.Host.MediaPlane;

/// <summary>One conversation's mixer on the media thread: its legs and its conversation recordings.</summary>
internal sealed class MixerState(string conversationId)
{
    public string ConversationId { get; } = conversationId;

    public ConferenceMixer Mixer { get; } = new(MediaThread.SampleRate);

    /// <summary>Legs in the mix, in join order (indexable: no enumerator allocation per tick).</summary>
    public List<LegMedia> Members { get; } = [];

    /// <summary>Conversation recordings fed with <see cref="ConferenceMixer.RecordingMix"/>.</summary>
    public List<MediaRecording> Recorders { get; } = [];

    /// <summary>Mixing failures (logged once).</summary>
    public int Faults { get; set; }

    public bool IsIdle => Members.Count == 0 && Recorders.Count == 0;

    /// <summary>
    /// One leg and no conversation recording: the leg would hear only itself minus itself, i.e. silence, so the mix is
    /// skipped and the leg neither writes its input nor reads its output (an inbound call's unnamed conversation).
    /// </summary>
    public bool IsSolo => Members.Count == 1 && Recorders.Count == 0;

    public void Mix()
    {
        if (IsSolo) return;
        Mixer.Mix();
        for (var i = 0; i < Recorders.Count; i++) Recorders[i].WriteMono(Mixer.RecordingMix);
    }

    public void Remove(LegMedia leg)
    {
        Mixer.Leave(leg.Id);
        Members.Remove(leg);
        leg.Mixer = null;
        leg.Participant = null;
    }
}
