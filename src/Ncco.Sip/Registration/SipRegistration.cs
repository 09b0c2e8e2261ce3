using System.Globalization;
using Ncco.Sip.Auth;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Registration;

/// <summary>
/// Keeps one binding registered with a registrar (RFC 3261 §10.2), as a trunk requires: one Call-ID with a growing CSeq for
/// every REGISTER, digest credentials on 401/407, a refresh before the granted expiry, and a de-registration (Expires: 0)
/// on dispose. Refreshes run on the injected clock; a failed refresh is retried after <see cref="RetryAfterFailure"/>.
/// </summary>
public sealed class SipRegistration : IAsyncDisposable
{
    private readonly SipUserAgent _agent;
    private readonly string _callId = SipIds.NewCallId();
    private readonly string _fromTag = SipIds.NewTag();
    private long _cseq;
    private long _generation;
    private ITimer? _refresh;
    private bool _disposed;

    internal SipRegistration(SipUserAgent agent, SipUri registrar, SipUri addressOfRecord, TimeSpan expires, SipEndPoint target)
    {
        _agent = agent;
        Registrar = registrar;
        AddressOfRecord = addressOfRecord;
        RequestedExpiry = expires;
        Target = target;
    }

    /// <summary>The registrar's URI (Request-URI of the REGISTER).</summary>
    public SipUri Registrar { get; }

    /// <summary>The address registered (To and From).</summary>
    public SipUri AddressOfRecord { get; }

    /// <summary>The expiry asked for.</summary>
    public TimeSpan RequestedExpiry { get; }

    /// <summary>Where REGISTERs go.</summary>
    public SipEndPoint Target { get; }

    /// <summary>The last final response from the registrar.</summary>
    public SipResponse? LastResponse { get; private set; }

    /// <summary>The expiry the registrar granted in its last 2xx.</summary>
    public TimeSpan? GrantedExpiry { get; private set; }

    /// <summary>True after a 2xx until a failure or de-registration.</summary>
    public bool IsRegistered { get; private set; }

    /// <summary>Credentials for this registrar's challenges; null uses the UA's <see cref="SipUserAgentOptions.Credentials"/>.</summary>
    public DigestCredentials? Credentials { get; init; }

    /// <summary>
    /// Raised after each REGISTER's final response that counts (not one superseded by a later REGISTER), from a refresh
    /// timer too, so a host can log and measure the trunk's health. Runs outside the stack's lock.
    /// </summary>
    public event Action<SipRegistration, SipResponse>? Responded;

    /// <summary>Wait before retrying after a failed refresh.</summary>
    public TimeSpan RetryAfterFailure { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Sends a REGISTER now (answering one digest challenge) and schedules the next refresh.</summary>
    public Task<SipResponse> RefreshAsync(CancellationToken cancellation = default) => SendAsync(RequestedExpiry, cancellation);

    private async Task<SipResponse> SendAsync(TimeSpan expires, CancellationToken cancellation)
    {
        long generation;
        lock (_agent.Gate)
        {
            generation = ++_generation;
        }
        var request = Build(expires);
        var response = await Transact(request).WaitAsync(cancellation).ConfigureAwait(false);
        if (response.StatusCode is 401 or 407 && (Credentials ?? _agent.Options.Credentials) is { } credentials
            && DigestClient.Authorize(Build(expires), response, credentials) is { } authorized)
        {
            response = await Transact(authorized).WaitAsync(cancellation).ConfigureAwait(false);
        }
        lock (_agent.Gate)
        {
            if (generation != _generation)
            {
                // A later REGISTER (a refresh racing a de-registration) has been sent; its outcome is the one that counts.
                return response;
            }
            LastResponse = response;
            IsRegistered = response.IsSuccess && expires > TimeSpan.Zero;
            GrantedExpiry = response.IsSuccess ? Granted(response, expires) : null;
            if (!_disposed && expires > TimeSpan.Zero)
            {
                // Refresh a little before expiry: at 80 %, and never later than 5 s before it.
                var next = GrantedExpiry is { } granted
                    ? TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, Math.Min(granted.Ticks * 8 / 10, (granted - TimeSpan.FromSeconds(5)).Ticks)))
                    : RetryAfterFailure;
                _refresh?.Dispose();
                _refresh = _agent.StartTimer(next, () => _ = RefreshAsync(CancellationToken.None));
            }
        }
        Responded?.Invoke(this, response);
        return response;
    }

    private Task<SipResponse> Transact(SipRequest request)
    {
        var task = new TransactionTask();
        lock (_agent.Gate)
        {
            _agent.Layer.SendRequest(request, Target, task);
        }
        return task.Final;
    }

    private SipRequest Build(TimeSpan expires)
    {
        lock (_agent.Gate)
        {
            var transport = _agent.Layer.Transport;
            var aor = new NameAddress { Uri = AddressOfRecord };
            var seconds = ((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return new SipRequest
            {
                Method = SipMethods.Register,
                Uri = Registrar,
                Headers =
                [
                    new(HeaderNames.Via, transport.CreateVia(Target.Transport, SipIds.NewBranch()).ToString()),
                    new(HeaderNames.MaxForwards, "70"),
                    new(HeaderNames.From, aor.WithTag(_fromTag).ToString()),
                    new(HeaderNames.To, aor.ToString()),
                    new(HeaderNames.CallId, _callId),
                    new(HeaderNames.CSeq, new CSeqHeader(++_cseq, SipMethods.Register).ToString()),
                    new(HeaderNames.Contact, $"<{transport.CreateContact(Target.Transport, AddressOfRecord.User ?? _agent.Options.User)}>"),
                    new(HeaderNames.Expires, seconds),
                    new(HeaderNames.UserAgent, _agent.Options.Product),
                ],
            };
        }
    }

    private TimeSpan Granted(SipResponse response, TimeSpan asked)
    {
        // The registrar's word is the expires parameter on our own Contact, else the Expires header (§10.2.4).
        var ours = _agent.Layer.Transport.CreateContact(Target.Transport, AddressOfRecord.User ?? _agent.Options.User);
        var contact = response.Contacts.FirstOrDefault(c => c.Uri.Host == ours.Host && c.Uri.Port == ours.Port);
        var text = contact?.Parameters["expires"] ?? response.Header(HeaderNames.Expires);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : asked;
    }

    /// <summary>Stops refreshing and removes the binding (REGISTER with Expires: 0), waiting at most for its transaction.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_agent.Gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _refresh?.Dispose();
        }
        if (IsRegistered)
        {
            await SendAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
