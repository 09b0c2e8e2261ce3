using System.Text.Json;
using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;
using Ncco.Host.MediaPlane;
using Ncco.Model.Endpoints;

namespace Ncco.Host.Browser;

/// <summary>
/// The browser phones signed in to this host, by application and user: rings them for <c>app</c> endpoints and places
/// their calls to the application (answer webhook with <c>from_user</c>, <c>endpoint_type: "app"</c> and
/// <c>custom_data</c>). A user may be signed in on several phones; a call rings the most recent idle one.
/// </summary>
public sealed class BrowserPhone(IApplicationRepository applications, VmDirectory vms, MediaServices media, ILoggerFactory loggers, NodeAdmission? admission = null)
{
    private readonly List<BrowserPhoneSession> _sessions = [];
    private readonly ILogger _logger = loggers.CreateLogger("Ncco.Host.Browser");

    /// <summary>Users signed in now (application id, user name), for the dashboard.</summary>
    public IReadOnlyList<BrowserUser> SignedIn
    {
        get { lock (_sessions) return [.. _sessions.Select(s => s.User).Distinct()]; }
    }

    internal ILogger Logger => _logger;

    /// <summary>Adds a signed-in phone and serves it until it goes away.</summary>
    internal async Task ServeAsync(BrowserPhoneSession session, CancellationToken cancellationToken)
    {
        lock (_sessions) _sessions.Add(session);
        _logger.SignedIn(session.User.Name, session.User.ApplicationId);
        try
        {
            await session.RunAsync(cancellationToken);
        }
        finally
        {
            lock (_sessions) _sessions.Remove(session);
            _logger.SignedOut(session.User.Name);
        }
    }

    /// <summary>A leg that rings <paramref name="endpoint"/>'s user on a phone of <paramref name="applicationId"/>.</summary>
    internal BrowserLeg CreateOutboundLeg(string applicationId, AppEndpoint endpoint) =>
        new(this, media.MediaThread, _logger, new BrowserUser(applicationId, endpoint.User), session: null);

    /// <summary>Offers <paramref name="leg"/> to its user's most recent idle phone; null when there is none.</summary>
    internal BrowserPhoneSession? Ring(BrowserLeg leg)
    {
        BrowserPhoneSession[] candidates;
        lock (_sessions) candidates = [.. _sessions];
        for (var i = candidates.Length - 1; i >= 0; i--)
        {
            var s = candidates[i];
            if (s.User != leg.Target || !s.TryTake(leg)) continue;
            s.Send(BrowserPhoneMessages.Incoming(leg.LegId, null));
            return s;
        }
        return null;
    }

    /// <summary>
    /// The user of <paramref name="session"/> calls their application. Returns null when the call was placed (the phone
    /// got <c>calling</c>), else why not.
    /// </summary>
    internal async Task<string?> PlaceCallAsync(BrowserPhoneSession session, string? to, JsonElement? customData, CancellationToken cancellationToken)
    {
        if (vms.IsDraining) return "the host is shutting down and takes no new calls";
        if (admission is { SuspendedBecause: { } suspended }) return "this node takes no new calls: " + suspended;
        var application = await applications.FindAsync(session.User.ApplicationId, cancellationToken);
        if (application is null) return $"application {session.User.ApplicationId} no longer exists";
        if (application.Voice?.AnswerUrl is null) return $"application {application.Id} has no voice answer_url to call";
        var leg = new BrowserLeg(this, media.MediaThread, _logger, session.User, session);
        if (!session.TryTake(leg)) return "this phone already has a call; hang up first";
        try
        {
            await vms.VmFor(application).AcceptInboundAsync(leg, new InboundCall
            {
                FromUser = session.User.Name,
                To = to ?? application.Id,
                EndpointType = EndpointTypes.App,
                CustomData = customData,
                // Signed in with a user JWT the application issued.
                Authenticated = true,
                Via = "app:" + session.User.Name,
            });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The phone must not stay "in a call" that never started.
            _logger.CallNotPlaced(e, session.User.Name);
            session.CallEnded(leg, BrowserPhoneMessages.Ended(leg.LegId, "failed"));
            return "the call could not be placed: " + e.Message;
        }
        return null;
    }
}
