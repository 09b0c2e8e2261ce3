using Ncco.Calls;
using Ncco.Webhooks;

namespace Ncco.Host.Dashboard;

/// <summary>Passes everything the VM reports to two observers, in order (the host's own first).</summary>
internal sealed class CompositeVmObserver(IVmObserver first, IVmObserver second) : IVmObserver
{
    public void OnWebhook(DateTimeOffset at, string? legId, WebhookRequest request, WebhookResponse response)
    {
        first.OnWebhook(at, legId, request, response);
        second.OnWebhook(at, legId, request, response);
    }

    public void OnActivity(DateTimeOffset at, string? legId, VmActivity activity, string message)
    {
        first.OnActivity(at, legId, activity, message);
        second.OnActivity(at, legId, activity, message);
    }
}
