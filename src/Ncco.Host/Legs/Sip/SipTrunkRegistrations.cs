using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ncco.Host.Observability;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Registration;

namespace Ncco.Host.Legs.Sip;

/// <summary>
/// Keeps the registrations of the trunks that ask for one (<see cref="SipTrunkOptions.Register"/>): registers at start,
/// lets <see cref="SipRegistration"/> refresh before expiry (and retry after a failure), logs every change of state and
/// publishes it as the gauge <c>ncco.sip.trunk.registered</c> (1 registered, 0 not) tagged with the trunk's name.
/// </summary>
internal sealed class SipTrunkRegistrations : IAsyncDisposable
{
    /// <summary>Wait before trying again when a REGISTER could not even be sent (the same as a failed refresh's).</summary>
    private static readonly TimeSpan RetryAfterSendFailure = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, bool> _registered = new(StringComparer.Ordinal);
    private readonly List<SipRegistration> _registrations = [];

    public SipTrunkRegistrations(ILogger logger, IMeterFactory? meters, TimeProvider time)
    {
        _logger = logger;
        _time = time;
        // The factory owns the meter (the same one NccoMetrics uses), so it is not disposed here.
        meters?.Create(NccoMetrics.MeterName).CreateObservableGauge("ncco.sip.trunk.registered",
            () => _registered.Select(p => new Measurement<int>(p.Value ? 1 : 0, new KeyValuePair<string, object?>("trunk", p.Key))),
            "{registration}", "Whether each SIP trunk that registers is registered now (1) or not (0).");
    }

    /// <summary>Whether <paramref name="trunk"/> is registered now (false before its first answer).</summary>
    public bool IsRegistered(string trunk) => _registered.GetValueOrDefault(trunk);

    /// <summary>
    /// Starts the registration of every trunk that asks for one. A trunk that does not answer or refuses is logged and
    /// retried by its registration; it never stops the host.
    /// </summary>
    public void Start(SipUserAgent agent, IEnumerable<SipTrunk> trunks, CancellationToken cancellationToken)
    {
        foreach (var trunk in trunks.Where(t => t.RegisterExpiry is not null))
        {
            _registered[trunk.Name] = false;
            _ = RegisterAsync(agent, trunk, cancellationToken);
        }
    }

    private async Task RegisterAsync(SipUserAgent agent, SipTrunk trunk, CancellationToken cancellationToken)
    {
        var registrar = trunk.UriFor("") with { User = null };
        var aor = new SipUri { Scheme = "sip", User = trunk.Credentials!.Username, Host = trunk.Host };
        // Once a registration exists it refreshes and retries by itself; until then (a name that does not resolve, a
        // transport that cannot reach it) this loop tries again, so a trunk that comes back later still registers.
        while (!cancellationToken.IsCancellationRequested)
        {
            var span = SipTracing.StartRegister(trunk.Name, registrar.ToString(), aor.ToString(), trunk.RegisterExpiry!.Value);
            try
            {
                var registration = await agent.RegisterAsync(registrar, aor, trunk.RegisterExpiry!.Value, trunk.Credentials, cancellationToken);
                SipTracing.EndRegister(span, registration.LastResponse?.StatusCode, registration.LastResponse?.ReasonPhrase, registration.IsRegistered);
                lock (_registrations) _registrations.Add(registration);
                registration.Responded += (r, response) =>
                {
                    SipTracing.RegisterRefreshed(trunk.Name, registrar.ToString(), aor.ToString(), trunk.RegisterExpiry!.Value, response?.StatusCode, response?.ReasonPhrase, r.IsRegistered);
                    Report(trunk, r, response);
                };
                Report(trunk, registration, registration.LastResponse);
                return;
            }
            catch (OperationCanceledException)
            {
                SipTracing.EndRegister(span, null, "the host is stopping", registered: false);
                return; // the host is stopping
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                SipTracing.EndRegister(span, null, e.Message, registered: false);
                _logger.RegisterNotSent(trunk.Name, registrar, e.Message, (int)RetryAfterSendFailure.TotalSeconds);
            }
            try
            {
                await Task.Delay(RetryAfterSendFailure, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Report(SipTrunk trunk, SipRegistration registration, SipResponse? response)
    {
        var now = registration.IsRegistered;
        var before = _registered.GetValueOrDefault(trunk.Name);
        _registered[trunk.Name] = now;
        if (now)
        {
            // Refreshes are routine: only a change of state is worth an information line.
            var seconds = (int)(registration.GrantedExpiry ?? registration.RequestedExpiry).TotalSeconds;
            if (before) _logger.RegistrationRefreshed(trunk.Name, registration.AddressOfRecord, seconds);
            else _logger.Registered(trunk.Name, registration.AddressOfRecord, seconds);
        }
        else
        {
            _logger.RegistrationFailed(trunk.Name, response?.StatusCode, response?.ReasonPhrase, (int)registration.RetryAfterFailure.TotalSeconds);
        }
    }

    /// <summary>Removes the bindings (REGISTER with Expires: 0), each bounded by its transaction's timeout.</summary>
    public async ValueTask DisposeAsync()
    {
        List<SipRegistration> registrations;
        lock (_registrations) registrations = [.. _registrations];
        foreach (var registration in registrations)
        {
            try
            {
                await registration.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException or ObjectDisposedException)
            {
                _logger.DeregistrationNotConfirmed(registration.AddressOfRecord, e.Message);
            }
        }
    }
}
