using System.Globalization;
using System.Text;
using Ncco.Calls;
using Ncco.Webhooks;

namespace Ncco.Diagnostics;

/// <summary>One line of the call log.</summary>
/// <param name="At">Virtual time.</param>
/// <param name="LegId">Leg concerned, if any.</param>
/// <param name="Activity">What kind of thing happened.</param>
/// <param name="Text">Description.</param>
public sealed record CallLogEntry(DateTimeOffset At, string? LegId, VmActivity Activity, string Text)
{
    /// <summary>The webhook request, for webhook entries.</summary>
    public WebhookRequest? Request { get; init; }

    /// <summary>The webhook response, for webhook entries.</summary>
    public WebhookResponse? Response { get; init; }

    /// <summary>True for webhook entries.</summary>
    public bool IsWebhook => Request is not null;
}

/// <summary>
/// Everything the VM did — actions, webhooks with payloads and responses, what was played, what parties did — with
/// virtual timestamps. Renders as text or as a Mermaid sequence diagram.
/// </summary>
public sealed class CallLog : IVmObserver
{
    private readonly List<CallLogEntry> _entries = [];
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>Creates a log whose relative times count from <paramref name="origin"/>.</summary>
    public CallLog(DateTimeOffset origin) => Origin = origin;

    /// <summary>Time zero of the rendering.</summary>
    public DateTimeOffset Origin { get; }

    /// <summary>All entries so far.</summary>
    public IReadOnlyList<CallLogEntry> Entries
    {
        get { lock (_gate) return _entries.ToList(); }
    }

    /// <summary>Gives a leg a readable name in renderings (e.g. <c>caller</c>, <c>agent</c>).</summary>
    public void Label(string legId, string label)
    {
        lock (_gate) _labels[legId] = label;
    }

    /// <summary>The label of a leg (or a short id).</summary>
    public string LabelOf(string? legId)
    {
        if (legId is null) return "vm";
        lock (_gate) return _labels.TryGetValue(legId, out var l) ? l : legId.Length > 8 ? "leg-" + legId[^4..] : legId;
    }

    /// <inheritdoc />
    public void OnWebhook(DateTimeOffset at, string? legId, WebhookRequest request, WebhookResponse response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var text = $"{request.Method.ToString().ToUpperInvariant()} {request.Uri.GetLeftPart(UriPartial.Path)} {request.Kind.ToString().ToLowerInvariant()} {request.PayloadJson}"
                   + (request.Attempt > 1 ? $" (attempt {request.Attempt})" : "") + $" → {response.Describe()}";
        lock (_gate) _entries.Add(new CallLogEntry(at, legId, VmActivity.Info, text) { Request = request, Response = response });
    }

    /// <inheritdoc />
    public void OnActivity(DateTimeOffset at, string? legId, VmActivity activity, string message)
    {
        lock (_gate) _entries.Add(new CallLogEntry(at, legId, activity, message));
    }

    /// <summary>Relative time as <c>+mm:ss.fff</c> (or <c>+h:mm:ss.fff</c>).</summary>
    public string Relative(DateTimeOffset at)
    {
        var d = at - Origin;
        return d.TotalHours >= 1
            ? "+" + d.ToString(@"h\:mm\:ss\.fff", CultureInfo.InvariantCulture)
            : "+" + d.ToString(@"mm\:ss\.fff", CultureInfo.InvariantCulture);
    }

    /// <summary>Text rendering, one line per entry; optionally only the entries of one leg.</summary>
    public string RenderText(string? legId = null, bool includeWebhookPayloads = true)
    {
        var sb = new StringBuilder();
        foreach (var e in Entries)
        {
            if (legId is not null && e.LegId != legId && e.LegId is not null) continue;
            var kind = e.IsWebhook ? "webhook" : e.Activity.ToString().ToLowerInvariant();
            var text = e.Text;
            if (e.IsWebhook && !includeWebhookPayloads)
                text = $"{e.Request!.Method.ToString().ToUpperInvariant()} {e.Request.Uri.AbsolutePath} {e.Request.Kind.ToString().ToLowerInvariant()} → {e.Response!.Describe()}";
            sb.Append(Relative(e.At)).Append("  ").Append(LabelOf(e.LegId).PadRight(10)).Append("  ").Append(kind.PadRight(12)).Append(' ').AppendLine(text);
        }
        return sb.ToString();
    }

    /// <summary>
    /// The sequence diagram of the log as data: the parties (one per leg), the VM and the webhook app, and what passed
    /// between them in time order. <see cref="RenderMermaid"/> writes it as Mermaid; the dashboard draws it as SVG.
    /// </summary>
    public SequenceDiagram RenderSequence()
    {
        var entries = Entries;
        var legs = entries.Where(e => e.LegId is not null).Select(e => e.LegId!).Distinct().ToList();
        var ids = new Dictionary<string, string>();
        var participants = new List<SequenceParticipant>();
        for (var i = 0; i < legs.Count; i++)
        {
            ids[legs[i]] = "P" + (i + 1).ToString(CultureInfo.InvariantCulture);
            participants.Add(new SequenceParticipant(ids[legs[i]], LabelOf(legs[i])));
        }
        participants.Add(new SequenceParticipant(SequenceDiagram.Vm, "Voice VM"));
        participants.Add(new SequenceParticipant(SequenceDiagram.App, "Webhook app"));
        var steps = new List<SequenceStep>();
        foreach (var e in entries)
        {
            var who = e.LegId is null ? SequenceDiagram.Vm : ids[e.LegId];
            var t = Relative(e.At);
            if (e.IsWebhook)
            {
                var req = e.Request!;
                var kind = req.Payload.GetType().Name.Replace("Event", "", StringComparison.Ordinal).Replace("Request", "", StringComparison.Ordinal);
                steps.Add(new SequenceStep(SequenceStepKind.Message, SequenceDiagram.Vm, SequenceDiagram.App, t, $"{req.Method.ToString().ToUpperInvariant()} {req.Uri.AbsolutePath} ({kind})"));
                steps.Add(new SequenceStep(SequenceStepKind.Reply, SequenceDiagram.App, SequenceDiagram.Vm, null, Short(e.Response!.Describe())));
                continue;
            }
            switch (e.Activity)
            {
                case VmActivity.Party:
                    steps.Add(new SequenceStep(SequenceStepKind.Message, who, SequenceDiagram.Vm, t, e.Text));
                    break;
                case VmActivity.Played:
                    steps.Add(new SequenceStep(SequenceStepKind.Message, SequenceDiagram.Vm, who, t, e.Text));
                    break;
                case VmActivity.Action or VmActivity.Status or VmActivity.Conversation or VmActivity.Control or VmActivity.Error or VmActivity.Warning:
                    steps.Add(new SequenceStep(SequenceStepKind.Note, who, SequenceDiagram.Vm, t, e.Activity.ToString().ToLowerInvariant() + ": " + e.Text));
                    break;
            }
        }
        return new SequenceDiagram(participants, steps);
    }

    /// <summary>A Mermaid <c>sequenceDiagram</c>: parties, the VM and the webhook app (<see cref="RenderSequence"/> as text).</summary>
    public string RenderMermaid()
    {
        var diagram = RenderSequence();
        var sb = new StringBuilder("sequenceDiagram\n");
        foreach (var p in diagram.Participants) sb.Append("  participant ").Append(p.Id).Append(" as ").AppendLine(Escape(p.Label));
        foreach (var step in diagram.Steps)
        {
            var text = Escape(step.Time is null ? step.Text : step.Time + " " + step.Text);
            switch (step.Kind)
            {
                case SequenceStepKind.Message:
                    sb.Append("  ").Append(step.From).Append("->>").Append(step.To).Append(": ").AppendLine(text);
                    break;
                case SequenceStepKind.Reply:
                    sb.Append("  ").Append(step.From).Append("-->>").Append(step.To).Append(": ").AppendLine(text);
                    break;
                default:
                    sb.Append("  Note over ").Append(step.From == step.To ? step.From : step.From + "," + step.To).Append(": ").AppendLine(text);
                    break;
            }
        }
        return sb.ToString();
    }

    private static string Short(string s) => s.Length <= 80 ? s : s[..80] + "…";

    private static string Escape(string s) => s.Replace(";", "#59;", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
