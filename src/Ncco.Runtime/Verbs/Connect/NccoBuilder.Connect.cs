using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;

namespace Ncco;

public sealed partial class NccoBuilder
{
    /// <summary>
    /// Calls an endpoint (<see cref="CallEndpoint"/>'s factories: <c>Phone</c>, <c>Sip</c>, <c>WebSocket</c>, <c>App</c>,
    /// <c>Vbc</c>) and bridges it into this conversation. See <see cref="ConnectAction"/> for each option.
    /// </summary>
    /// <param name="endpoint">Who to call.</param>
    /// <param name="from">Caller id: one of the account's numbers (not with <paramref name="randomFromNumber"/>).</param>
    /// <param name="randomFromNumber">A random number of the application as caller id.</param>
    /// <param name="timeout">Seconds to ring (3–7200).</param>
    /// <param name="limit">Longest connected time in seconds (1–7200).</param>
    /// <param name="eventUrl">The new leg's event webhook; absent means the call's event URL.</param>
    /// <param name="eventType">Synchronous lets the event webhook answer a failed connect with a new NCCO.</param>
    /// <param name="machineDetection">Standard answering-machine detection.</param>
    /// <param name="advancedMachineDetection">Advanced answering-machine detection; overrides <paramref name="machineDetection"/>.</param>
    /// <param name="ringbackTone">Audio looped to the caller until the new leg answers.</param>
    /// <param name="eventMethod">The webhook's method.</param>
    public NccoBuilder Connect(CallEndpoint endpoint, string? from = null, bool randomFromNumber = false, int timeout = ConnectAction.DefaultTimeout,
        int limit = ConnectAction.DefaultLimit, string? eventUrl = null, ConnectEventType eventType = ConnectEventType.Asynchronous,
        MachineDetectionBehavior? machineDetection = null, AdvancedMachineDetection? advancedMachineDetection = null, string? ringbackTone = null,
        WebhookMethod eventMethod = WebhookMethod.Post) =>
        Add(new ConnectAction(endpoint)
        {
            From = from,
            RandomFromNumber = randomFromNumber,
            Timeout = timeout,
            Limit = limit,
            EventUrl = ToUriOrNull(eventUrl, nameof(eventUrl)),
            EventMethod = eventMethod,
            EventType = eventType,
            MachineDetection = machineDetection,
            AdvancedMachineDetection = advancedMachineDetection,
            RingbackTone = ToUriOrNull(ringbackTone, nameof(ringbackTone)),
        });
}
