using Ncco.Calls;
using Ncco.Diagnostics;
using Ncco.Webhooks;

namespace Ncco.Testing.Webhooks;

/// <summary>
/// The simulator's observer of the VM: everything goes to the <see cref="CallLog"/>, and each webhook exchange is
/// also kept as a <see cref="ReceivedWebhook"/> (in order) for the webhook assertions, which poll it after every step
/// of the VM and so must not copy the whole log each time.
/// </summary>
internal sealed class WebhookRecorder(CallLog log) : IVmObserver
{
    private readonly List<ReceivedWebhook> _webhooks = [];

    /// <summary>Called (on the VM thread) after each exchange is recorded.</summary>
    public Action<ReceivedWebhook>? Recorded { get; set; }

    public int Count
    {
        get { lock (_webhooks) return _webhooks.Count; }
    }

    public ReceivedWebhook this[int index]
    {
        get { lock (_webhooks) return _webhooks[index]; }
    }

    public IReadOnlyList<ReceivedWebhook> Snapshot()
    {
        lock (_webhooks) return _webhooks.ToList();
    }

    public void OnWebhook(DateTimeOffset at, string? legId, WebhookRequest request, WebhookResponse response)
    {
        log.OnWebhook(at, legId, request, response);
        ReceivedWebhook webhook;
        lock (_webhooks)
        {
            webhook = new ReceivedWebhook(at, legId, request, response, _webhooks.Count, log.Relative(at));
            _webhooks.Add(webhook);
        }
        Recorded?.Invoke(webhook);
    }

    public void OnActivity(DateTimeOffset at, string? legId, VmActivity activity, string message) => log.OnActivity(at, legId, activity, message);
}
