namespace Ncco.Diagnostics;

/// <summary>A column of a sequence diagram: a leg, the VM or the webhook app.</summary>
/// <param name="Id">Short identifier used by steps (<c>P1</c>, <c>VM</c>, <c>App</c>).</param>
/// <param name="Label">Readable name shown at the top of the column.</param>
public sealed record SequenceParticipant(string Id, string Label);

/// <summary>What a step of a sequence diagram draws.</summary>
public enum SequenceStepKind
{
    /// <summary>An arrow from one participant to another (a request, something played, something a party did).</summary>
    Message,

    /// <summary>A dashed arrow answering the previous message (a webhook response).</summary>
    Reply,

    /// <summary>A note spanning the participants from <see cref="SequenceStep.From"/> to <see cref="SequenceStep.To"/> (activity of the VM on a leg).</summary>
    Note,
}

/// <summary>One row of a sequence diagram.</summary>
/// <param name="Kind">Arrow, reply or note.</param>
/// <param name="From">Participant id the arrow starts at (or the first participant a note covers).</param>
/// <param name="To">Participant id the arrow ends at (or the last participant a note covers; the same as <paramref name="From"/> for one).</param>
/// <param name="Time">Relative time (<c>+mm:ss.fff</c>), or null for a reply, which shares its request's time.</param>
/// <param name="Text">The label, unescaped.</param>
public sealed record SequenceStep(SequenceStepKind Kind, string From, string To, string? Time, string Text);

/// <summary>A call log as a sequence diagram: participants as columns, steps in time order (<see cref="CallLog.RenderSequence"/>).</summary>
/// <param name="Participants">Columns, left to right: the legs in order of appearance, then the VM, then the webhook app.</param>
/// <param name="Steps">Rows, top to bottom.</param>
public sealed record SequenceDiagram(IReadOnlyList<SequenceParticipant> Participants, IReadOnlyList<SequenceStep> Steps)
{
    /// <summary>Id of the Voice VM's column.</summary>
    public const string Vm = "VM";

    /// <summary>Id of the webhook application's column.</summary>
    public const string App = "App";
}
