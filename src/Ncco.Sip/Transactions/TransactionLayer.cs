using System.Globalization;
using System.Net;
using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Transactions;

/// <summary>
/// The transaction layer (RFC 3261 §17): matches responses to client transactions by top-Via branch and CSeq method
/// (§17.1.3), requests to server transactions by branch, sent-by and method with ACK matching INVITE (§17.2.3), falling
/// back to the RFC 2543 identity (Request-URI, From tag, Call-ID, CSeq number, top Via) when the branch lacks the magic
/// cookie. Everything runs under one lock (<see cref="Gate"/>) shared with the UA core; timers come from the injected
/// <see cref="TimeProvider"/>, so no thread belongs to this layer.
/// </summary>
public sealed class TransactionLayer : ISipMessageHandler
{
    private readonly Dictionary<string, ClientTransaction> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServerTransaction> _servers = new(StringComparer.Ordinal);
    private readonly Dictionary<IPAddress, int> _perSource = [];
    private readonly TransactionLimits _limits;
    private ITransactionUser? _user;

    /// <summary>Creates the layer over a transport layer.</summary>
    public TransactionLayer(SipTransportLayer transport, TimeProvider time, SipTimers? timers = null, TransactionLimits? limits = null)
    {
        Transport = transport;
        Time = time;
        Timers = timers ?? SipTimers.Default;
        _limits = limits ?? TransactionLimits.Default;
    }

    /// <summary>The one lock for transaction and dialog state.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The transport layer below.</summary>
    public SipTransportLayer Transport { get; }

    /// <summary>The clock timers run on.</summary>
    public TimeProvider Time { get; }

    /// <summary>Timer base values.</summary>
    public SipTimers Timers { get; }

    internal ITransactionUser User => _user ?? throw new InvalidOperationException("transaction layer not started");

    /// <summary>Live client transactions.</summary>
    public int ClientCount { get { lock (Gate) { return _clients.Count; } } }

    /// <summary>Live server transactions.</summary>
    public int ServerCount { get { lock (Gate) { return _servers.Count; } } }

    /// <summary>Starts the transports and delivers incoming traffic to <paramref name="user"/>.</summary>
    public void Start(ITransactionUser user)
    {
        _user = user;
        Transport.Start(this);
    }

    /// <summary>
    /// Starts a client transaction for <paramref name="request"/> (which must carry a top Via with an RFC 3261 branch)
    /// towards <paramref name="target"/>.
    /// </summary>
    public ClientTransaction SendRequest(SipRequest request, SipEndPoint target, IClientTransactionUser user)
    {
        if (request.Method == SipMethods.Ack)
        {
            throw new ArgumentException("ACK is not sent in a transaction; use SendStateless", nameof(request));
        }
        var branch = request.TopVia.Branch ?? throw new ArgumentException("request has no Via branch", nameof(request));
        var key = ClientKey(branch, request.Method);
        lock (Gate)
        {
            if (_clients.Count + _servers.Count >= _limits.MaxTransactions)
            {
                throw new InvalidOperationException("transaction limit reached");
            }
            ClientTransaction transaction = request.Method == SipMethods.Invite
                ? new ClientInviteTransaction(this, key, request, target, user)
                : new ClientNonInviteTransaction(this, key, request, target, user);
            _clients.Add(key, transaction);
            transaction.Begin();
            return transaction;
        }
    }

    /// <summary>Sends outside any transaction (the ACK for a 2xx, stateless replies).</summary>
    public void SendStateless(SipMessage message, SipEndPoint target) => Transport.Send(message, target);

    /// <summary>The INVITE server transaction a CANCEL is aimed at (same branch and sent-by, method INVITE), or null.</summary>
    public ServerInviteTransaction? FindInviteFor(SipRequest cancel)
    {
        lock (Gate)
        {
            var key = ServerKey(cancel, SipMethods.Invite);
            return _servers.TryGetValue(key, out var found) ? found as ServerInviteTransaction : null;
        }
    }

    /// <inheritdoc />
    public void OnRequest(SipRequest request, SipEndPoint source)
    {
        lock (Gate)
        {
            var key = ServerKey(request, request.Method == SipMethods.Ack ? SipMethods.Invite : request.Method);
            if (_servers.TryGetValue(key, out var existing))
            {
                existing.OnRetransmission(request);
                return;
            }
            if (request.Method == SipMethods.Ack)
            {
                User.OnAck(request, source);
                return;
            }
            _perSource.TryGetValue(source.Address.Address, out var count);
            if (count >= _limits.MaxServerTransactionsPerSource || _clients.Count + _servers.Count >= _limits.MaxTransactions)
            {
                // Stateless 503 so a flood costs us no state; Retry-After tells an honest client when to come back.
                var busy = SipResponse.For(request, 503, "Too Many Transactions From Source", SipIds.NewTag())
                    .AddHeader(HeaderNames.RetryAfter, "5");
                Transport.Send(busy, source);
                return;
            }
            _perSource[source.Address.Address] = count + 1;
            if (request.Method == SipMethods.Invite)
            {
                var invite = new ServerInviteTransaction(this, key, request, source);
                _servers.Add(key, invite);
                invite.Begin();
                User.OnRequest(invite);
            }
            else
            {
                var other = new ServerNonInviteTransaction(this, key, request, source);
                _servers.Add(key, other);
                other.Begin();
                User.OnRequest(other);
            }
        }
    }

    /// <inheritdoc />
    public void OnResponse(SipResponse response, SipEndPoint source)
    {
        lock (Gate)
        {
            var branch = response.TopVia.Branch;
            if (branch is not null && _clients.TryGetValue(ClientKey(branch, response.CSeq.Method), out var transaction))
            {
                transaction.OnResponse(response);
                return;
            }
            User.OnStrayResponse(response, source);
        }
    }

    /// <inheritdoc />
    public void OnTransportError(SipEndPoint remote, Exception error)
    {
        lock (Gate)
        {
            foreach (var transaction in _clients.Values.Where(t => t.Remote == remote).ToList())
            {
                transaction.OnTransportError();
            }
        }
    }

    /// <summary>Ends every transaction and its timers at once (shutdown: nothing more will be sent or retransmitted).</summary>
    public void Shutdown()
    {
        lock (Gate)
        {
            foreach (var transaction in _clients.Values.Cast<SipTransaction>().Concat(_servers.Values).ToList())
            {
                transaction.Terminate();
            }
        }
    }

    /// <summary>
    /// A server transaction stops counting against its source once it has answered finally: the per-source bound is
    /// about work a source can make us hold open, and a transaction lingering only to absorb retransmissions (timers
    /// J and L, 32 s over UDP) would otherwise cap an honest peer — a trunk or a proxy — at a few calls per second.
    /// </summary>
    internal void ReleaseSourceSlot(ServerTransaction server)
    {
        if (!server.HoldsSourceSlot) return;
        server.HoldsSourceSlot = false;
        var address = server.Remote.Address.Address;
        if (!_perSource.TryGetValue(address, out var count)) return;
        if (count <= 1) _perSource.Remove(address);
        else _perSource[address] = count - 1;
    }

    internal void Remove(SipTransaction transaction)
    {
        switch (transaction)
        {
            case ClientTransaction client when _clients.TryGetValue(client.Key, out var c) && ReferenceEquals(c, client):
                _clients.Remove(client.Key);
                break;
            case ServerTransaction server when _servers.TryGetValue(server.Key, out var s) && ReferenceEquals(s, server):
                _servers.Remove(server.Key);
                ReleaseSourceSlot(server);
                break;
        }
    }

    private static string ClientKey(string branch, string method) => $"{branch}|{method}";

    private static string ServerKey(SipRequest request, string method)
    {
        var via = request.TopVia;
        var sentBy = $"{via.Host.ToLowerInvariant()}:{(via.Port ?? 5060).ToString(CultureInfo.InvariantCulture)}";
        if (via.HasRfc3261Branch)
        {
            return $"3261|{via.Branch}|{sentBy}|{method}";
        }
        // RFC 2543 peers: no usable branch, so identify the transaction by the request's own fields (§17.2.3).
        return $"2543|{request.Uri}|{request.From.Tag}|{request.CallId}|{request.CSeq.Number.ToString(CultureInfo.InvariantCulture)}|{sentBy}|{via.Branch}|{method}";
    }
}
