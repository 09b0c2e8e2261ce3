using Ncco.Webhooks;

namespace Ncco.Calls;

/// <summary>Categories of VM activity reported to an <see cref="IVmObserver"/>.</summary>
public enum VmActivity
{
    /// <summary>An NCCO action started.</summary>
    Action,
    /// <summary>A call status changed (an event was raised).</summary>
    Status,
    /// <summary>Something was played to a leg.</summary>
    Played,
    /// <summary>A playback was stopped early.</summary>
    Stopped,
    /// <summary>The party did something (key, speech, hang-up, answer…).</summary>
    Party,
    /// <summary>Conversation membership changed.</summary>
    Conversation,
    /// <summary>A live-call control operation was applied.</summary>
    Control,
    /// <summary>Something went wrong (invalid NCCO, webhook failure…).</summary>
    Error,
    /// <summary>Anything else worth a line in the call log.</summary>
    Info,
    /// <summary>
    /// Something the VM went on despite (an unknown NCCO property it ignored, with its pointer and suggestion).
    /// </summary>
    Warning,
}

/// <summary>Receives everything the VM does, in order, on the VM thread (the simulator's call log is one).</summary>
public interface IVmObserver
{
    /// <summary>A webhook attempt finished.</summary>
    void OnWebhook(DateTimeOffset at, string? legId, WebhookRequest request, WebhookResponse response);

    /// <summary>Other activity.</summary>
    void OnActivity(DateTimeOffset at, string? legId, VmActivity activity, string message);
}

/// <summary>An observer that ignores everything.</summary>
public sealed class NullVmObserver : IVmObserver
{
    /// <summary>Shared instance.</summary>
    public static NullVmObserver Instance { get; } = new();

    /// <inheritdoc />
    public void OnWebhook(DateTimeOffset at, string? legId, WebhookRequest request, WebhookResponse response)
    {
    }

    /// <inheritdoc />
    public void OnActivity(DateTimeOffset at, string? legId, VmActivity activity, string message)
    {
    }
}
