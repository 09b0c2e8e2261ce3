using Ncco.Calls;
using Ncco.Webhooks;

namespace Ncco.Diagnostics;

/// <summary>
/// Puts the VM's activity lines (status, playback, party, conversation, control, errors) on the leg's span as events,
/// then passes everything to the configured observer. Costs nothing when calls are not traced (no span).
/// </summary>
internal sealed class TracingVmObserver(NccoVm vm, IVmObserver inner) : IVmObserver
{
    public void OnWebhook(DateTimeOffset at, string? legId, WebhookRequest request, WebhookResponse response) =>
        inner.OnWebhook(at, legId, request, response);

    public void OnActivity(DateTimeOffset at, string? legId, VmActivity activity, string message)
    {
        if (legId is not null && NccoTracing.Source.HasListeners() && vm.FindLeg(legId) is { } leg) NccoTracing.AddEvent(leg, at, activity, message);
        inner.OnActivity(at, legId, activity, message);
    }
}
