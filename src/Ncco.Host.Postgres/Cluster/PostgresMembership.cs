using System.Data.Common;
using Microsoft.Extensions.Options;
using Ncco.Host.Calls;
using Ncco.Host.Configuration;
using Npgsql;

namespace Ncco.Host.Postgres.Cluster;

/// <summary>
/// Cluster membership in the shared database (<c>cluster_nodes</c>). At start the node registers under its id with
/// the next incarnation number; then it writes a heartbeat every <see cref="ClusterOptions.HeartbeatInterval"/>. A
/// node whose heartbeat is older than <see cref="ClusterOptions.DeadAfter"/> is dead to the others.
/// <para>
/// No split brain: the node suspends its <see cref="NodeAdmission"/> (SIP 503, REST 503, <c>/health/ready</c>
/// unhealthy) as soon as one heartbeat fails or times out (the timeout is one interval), well before the others could
/// call it dead, and resumes once a heartbeat gets through. A heartbeat that finds a newer incarnation of the same id
/// (a second process started with this node's id) suspends this one for good. Liveness is judged on the database's
/// clock (<c>clock_timestamp()</c>), so the nodes' own clocks never need to agree; the intervals are timed with the
/// host's <see cref="TimeProvider"/>. On a graceful stop the node marks itself dead at once.
/// </para>
/// <para>
/// Fencing: a node cut from the database for <see cref="ClusterOptions.FenceAfter"/> (counted from the start of its
/// last heartbeat that got through, so never later than the others can judge it) ends every call it runs — BYE to
/// each caller, the application's final events as for any platform hangup — because the other nodes are about to end
/// those legs in the store, and a record saying <c>completed</c> must not sit next to media that carries on. The node
/// then keeps refusing new calls until it reaches the database again, and comes back as a new incarnation (the legs it
/// ran belong to the one it ended). The rows the others' sweep finalised meanwhile stay as the sweep wrote them: the
/// node's own late writes never change a row whose end is already stored.
/// </para>
/// </summary>
public sealed class PostgresMembership : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly ClusterOptions _options;
    private readonly Ncco.Host.Legs.Sip.SipOptions _sip;
    private readonly NccoHostOptions _host;
    private readonly HostPublicUrl _publicUrl;
    private readonly NodeAdmission _admission;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresMembership> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task _loop = Task.CompletedTask;
    private Task _fence = Task.CompletedTask;
    private volatile bool _superseded;
    // Timestamps (TimeProvider.GetTimestamp) of the start of the last heartbeat that got through, and of the first one
    // that got through after the database was last out of reach.
    private long _lastBeatStarted;
    private long _reachableSince;
    // Guarded by _gate: the last heartbeat failed or timed out; the node ended its calls and must rejoin.
    private bool _cut;
    private bool _fenced;
    private long _fences;

    /// <summary>Creates the service.</summary>
    public PostgresMembership(IServiceProvider services, IOptions<ClusterOptions> options, IOptions<NccoHostOptions> host, HostPublicUrl publicUrl,
        NodeAdmission admission, TimeProvider time, ILogger<PostgresMembership> logger)
    {
        _sip = services.GetService<IOptions<Ncco.Host.Legs.Sip.SipOptions>>()?.Value ?? new Ncco.Host.Legs.Sip.SipOptions { Enabled = false };
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        _services = services;
        _options = options.Value;
        _host = host.Value;
        _publicUrl = publicUrl;
        _admission = admission;
        _time = time;
        _logger = logger;
    }

    // Resolved on use: with the default SQLite store there is no database to connect to (and no connection string).
    private PostgresDatabase Database => _services.GetRequiredService<PostgresDatabase>();

    /// <summary>This node's id.</summary>
    public string NodeId => _options.EffectiveNodeId;

    /// <summary>
    /// The SIP address this node publishes with its membership (<see cref="ClusterOptions.EffectiveSipUri"/>), or null:
    /// other nodes redirect callers here before answer only when it is known.
    /// </summary>
    public string? SipUri => _options.EffectiveSipUri(_sip.Enabled ? _sip.Listen : null);

    /// <summary>This start's incarnation (0 until registered, and when the store is not PostgreSQL).</summary>
    public long Incarnation { get; private set; }

    /// <summary>Heartbeats written since start (for tests and diagnostics).</summary>
    public long Heartbeats => Interlocked.Read(ref _heartbeats);

    private long _heartbeats;

    /// <summary>How many times this process ended its calls after losing the database (for tests and diagnostics).</summary>
    public long Fences => Interlocked.Read(ref _fences);

    /// <summary>
    /// How long this node has reached the database without a failed heartbeat (zero while it cannot): the sweep of
    /// dead nodes judges no one before this reaches <see cref="ClusterOptions.DeadAfter"/>, so after an outage of the
    /// database itself the first node back does not take the others for dead before their next heartbeat.
    /// </summary>
    public TimeSpan DatabaseReachableFor
    {
        get
        {
            lock (_gate)
            {
                return Incarnation == 0 || _cut || _fenced ? TimeSpan.Zero : _time.GetElapsedTime(_reachableSince);
            }
        }
    }

    /// <summary>
    /// True from the first heartbeat that failed until one gets through again (and, after a fence, until the node
    /// rejoined): while this holds, nothing this node writes reaches the store, so a leg it ends now may still be ended
    /// by the others' sweep. <see cref="FinalEventHold"/> keeps the final events of such legs until it can tell.
    /// </summary>
    public bool CutFromDatabase
    {
        get
        {
            lock (_gate)
            {
                return _cut || _fenced;
            }
        }
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_host.Store.Provider != StoreProvider.Postgres) return;
        await Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        var url = string.IsNullOrWhiteSpace(_options.InternalUrl) ? _publicUrl.Resolve() : _options.InternalUrl;
        var registering = _time.GetTimestamp();
        await using (var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var register = new NpgsqlCommand("""
            INSERT INTO cluster_nodes (node_id, incarnation, internal_url, sip_uri, started_at, heartbeat_at)
            VALUES (@id, 1, @url, @sip, clock_timestamp(), clock_timestamp())
            ON CONFLICT (node_id) DO UPDATE SET incarnation = cluster_nodes.incarnation + 1, internal_url = EXCLUDED.internal_url,
                sip_uri = EXCLUDED.sip_uri, started_at = EXCLUDED.started_at, heartbeat_at = EXCLUDED.heartbeat_at
            RETURNING incarnation
            """, connection))
        {
            register.Text("id", NodeId);
            register.Text("url", url);
            register.Text("sip", SipUri);
            Incarnation = Convert.ToInt64(await register.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        _lastBeatStarted = _reachableSince = registering;
        _logger.Joined(NodeId, Incarnation, url);
        _loop = Task.Run(() => HeartbeatLoopAsync(_stopping.Token), CancellationToken.None);
        _fence = Task.Run(() => FenceLoopAsync(_stopping.Token), CancellationToken.None);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Incarnation == 0) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _fence.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_superseded) return;
        try
        {
            // Dead at once rather than after DeadAfter: the others stop counting on this node now.
            await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var leave = new NpgsqlCommand("UPDATE cluster_nodes SET heartbeat_at = 'epoch' WHERE node_id = @id AND incarnation = @incarnation", connection);
            leave.Text("id", NodeId);
            leave.Bigint("incarnation", Incarnation);
            await leave.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _logger.Left(NodeId, Incarnation);
        }
        catch (Exception e) when (e is DbException or TimeoutException or OperationCanceledException)
        {
            _logger.LeaveNotRecorded(e, NodeId, _options.DeadAfter);
        }
    }

    /// <summary>Every node the database knows, alive or not, by id.</summary>
    public async Task<IReadOnlyList<ClusterMember>> MembersAsync(CancellationToken cancellationToken)
    {
        return await Database.RetryingAsync(_options.DeadAfter, static async (connection, deadAfter, cancellationToken) =>
        {
            await using var command = new NpgsqlCommand("""
                SELECT node_id, incarnation, internal_url, started_at, heartbeat_at, clock_timestamp() - heartbeat_at < @dead
                FROM cluster_nodes ORDER BY node_id
                """, connection);
            command.Parameters.Add(new NpgsqlParameter("dead", NpgsqlTypes.NpgsqlDbType.Interval) { Value = deadAfter });
            var members = new List<ClusterMember>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                members.Add(new ClusterMember(reader.GetString(0), reader.GetInt64(1), new Uri(reader.GetString(2)),
                    reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetBoolean(5)));
            }
            return members;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The node that owns (runs) call leg <paramref name="uuid"/>, as it is now (alive or dead), or null when the leg
    /// is unknown. A leg created through <c>POST /v1/calls</c> is owned from before its <c>201</c>.
    /// </summary>
    public async Task<ClusterMember?> OwnerOfAsync(string uuid, CancellationToken cancellationToken)
    {
        return await Database.RetryingAsync((Uuid: uuid, _options.DeadAfter), static async (connection, query, cancellationToken) =>
        {
            await using var command = new NpgsqlCommand("""
                SELECT n.node_id, n.incarnation, n.internal_url, n.started_at, n.heartbeat_at, clock_timestamp() - n.heartbeat_at < @dead
                FROM calls c JOIN cluster_nodes n ON n.node_id = c.owner_node WHERE c.uuid = @uuid
                """, connection);
            command.Text("uuid", query.Uuid);
            command.Parameters.Add(new NpgsqlParameter("dead", NpgsqlTypes.NpgsqlDbType.Interval) { Value = query.DeadAfter });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
            return new ClusterMember(reader.GetString(0), reader.GetInt64(1), new Uri(reader.GetString(2)),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetBoolean(5));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _fence.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private int _disposed;

    private async Task HeartbeatLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.HeartbeatInterval, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            using var timeout = new CancellationTokenSource(_options.HeartbeatInterval, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stopping);
            var started = _time.GetTimestamp();
            try
            {
                bool rejoin;
                lock (_gate) rejoin = _fenced;
                var incarnation = rejoin ? await RejoinAsync(linked.Token).ConfigureAwait(false) : await BeatAsync(linked.Token).ConfigureAwait(false) ? Incarnation : 0;
                if (incarnation > 0)
                {
                    Interlocked.Increment(ref _heartbeats);
                    lock (_gate)
                    {
                        _lastBeatStarted = started;
                        if (_cut) _reachableSince = started;
                        _cut = false;
                        if (rejoin)
                        {
                            _fenced = false;
                            Incarnation = incarnation;
                        }
                        else if (_fenced)
                        {
                            // The fence struck while this heartbeat was in flight: the next one rejoins.
                            continue;
                        }
                    }
                    if (rejoin) _logger.Rejoined(NodeId, incarnation);
                    if (!_admission.TakesNewCalls)
                    {
                        _admission.Resume();
                        _logger.DatabaseReachedAgain(NodeId);
                    }
                    continue;
                }
                _superseded = true;
                _admission.Suspend($"node id {NodeId} was registered again by a newer process (incarnation above {Incarnation})");
                _logger.Superseded(NodeId);
                return;
            }
            catch (Exception e) when (e is DbException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException && !stopping.IsCancellationRequested)
            {
                if (_admission.TakesNewCalls)
                {
                    _logger.DatabaseUnreachable(e, NodeId);
                }
                lock (_gate) _cut = true;
                _admission.Suspend("it cannot reach the cluster's database");
            }
        }
    }

    /// <summary>
    /// Wakes when the last heartbeat that got through is <see cref="ClusterOptions.FenceAfter"/> old and, if the node is
    /// cut from the database by then (a heartbeat failed: one merely in flight is given a quarter interval more), ends
    /// every call the node runs.
    /// </summary>
    private async Task FenceLoopAsync(CancellationToken stopping)
    {
        var interval = _options.HeartbeatInterval;
        while (!stopping.IsCancellationRequested && !_superseded)
        {
            TimeSpan silent;
            var fence = false;
            lock (_gate)
            {
                silent = _time.GetElapsedTime(_lastBeatStarted);
                if (silent >= _options.FenceAfter && _cut && !_fenced)
                {
                    _fenced = fence = true;
                }
            }
            if (fence)
            {
                await FenceAsync(silent, stopping).ConfigureAwait(false);
                continue;
            }
            var wait = _options.FenceAfter - silent;
            var delay = wait <= TimeSpan.Zero ? interval / 4 : wait < interval ? wait : interval;
            try
            {
                await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task FenceAsync(TimeSpan silent, CancellationToken stopping)
    {
        _admission.Suspend($"it has not reached the cluster's database for {silent}: the other nodes are about to take it for dead, so it ended its calls");
        var calls = _services.GetRequiredService<ILiveCalls>();
        _logger.Fenced(NodeId, silent, calls.ActiveLegCount);
        Interlocked.Increment(ref _fences);
        try
        {
            await calls.HangupAllAsync(stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.FenceIncomplete(e, NodeId);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: the host's own drain ends what is left.
        }
    }

    /// <summary>
    /// The <c>started_at</c> the rejoin after the last fence writes (null when none is under way), so that a try whose
    /// answer was lost is known again by the next one (for tests: a rejoin is under way once this is set).
    /// </summary>
    internal DateTimeOffset? RejoinStamp => Interlocked.Read(ref _rejoinStampTicks) is > 0 and var ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    // UTC ticks of the stamp, 0 when no rejoin is under way (read by tests from another thread).
    private long _rejoinStampTicks;

    /// <summary>
    /// After a fence: the next incarnation of this node id, or 0 when a newer process took the id meanwhile. Only the
    /// incarnation this process holds is moved on, so a rejoin never takes an id back from another process.
    /// </summary>
    /// <remarks>
    /// A try can land and its answer be lost: the heartbeat's timeout (one interval) cancels the wait, or the connection
    /// drops, after the update committed. The next try then finds the row one incarnation ahead, which would read as a
    /// newer process and stop this one for good. So every try of one rejoin stamps <c>started_at</c> with the same value
    /// of its own (this process's clock, to the microsecond; a newer process's start writes the database's clock), and a
    /// row one incarnation ahead that carries that stamp is this rejoin, landed.
    /// </remarks>
    private async Task<long> RejoinAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Read(ref _rejoinStampTicks) == 0)
        {
            var now = _time.GetUtcNow().UtcTicks;
            Interlocked.Exchange(ref _rejoinStampTicks, now - (now % 10));
        }
        var stamp = new DateTimeOffset(Interlocked.Read(ref _rejoinStampTicks), TimeSpan.Zero);
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var rejoin = new NpgsqlCommand("""
            UPDATE cluster_nodes SET incarnation = @incarnation + 1, started_at = @stamp, heartbeat_at = clock_timestamp()
            WHERE node_id = @id AND (incarnation = @incarnation OR (incarnation = @incarnation + 1 AND started_at = @stamp))
            RETURNING incarnation
            """, connection);
        rejoin.Text("id", NodeId);
        rejoin.Bigint("incarnation", Incarnation);
        rejoin.Parameters.Add(new NpgsqlParameter("stamp", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = stamp });
        var next = await rejoin.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long n ? n : 0;
        Interlocked.Exchange(ref _rejoinStampTicks, 0);
        return next;
    }

    private async Task<bool> BeatAsync(CancellationToken cancellationToken)
    {
        return await Database.RetryingAsync((NodeId, Incarnation), static async (connection, node, cancellationToken) =>
        {
            await using var beat = new NpgsqlCommand("UPDATE cluster_nodes SET heartbeat_at = clock_timestamp() WHERE node_id = @id AND incarnation = @incarnation", connection);
            beat.Text("id", node.NodeId);
            beat.Bigint("incarnation", node.Incarnation);
            return await beat.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken).ConfigureAwait(false);
    }
}
