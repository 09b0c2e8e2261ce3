using Ncco.Media.Mixing;

namespace Ncco.Host.Media;

/// <summary>One conversation's mixer on the media thread: its legs and its conversation recordings.</summary>
internal sealed class MixerState(string conversationId)
{
    public string ConversationId { get; } = conversationId;

    public ConferenceMixer Mixer { get; } = new(MediaEngine.SampleRate);

    /// <summary>Legs in the mix, in join order (indexable: no enumerator allocation per tick).</summary>
    public List<LegMedia> Members { get; } = [];

    /// <summary>Conversation recordings fed with <see cref="ConferenceMixer.RecordingMix"/>.</summary>
    public List<MediaRecording> Recorders { get; } = [];

    public bool IsIdle => Members.Count == 0 && Recorders.Count == 0;

    public void Mix()
    {
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
