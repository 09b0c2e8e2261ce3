using System.Data.Common;
using Microsoft.Extensions.Options;
using Ncco.Host.Applications;
using Ncco.Host.Calls;
using Ncco.Host.Cluster;
using Ncco.Host.Configuration;
using Ncco.Host.Operations;
using Ncco.Host.Persistence;
using Npgsql;

namespace Ncco.Host.Postgres.Cluster;

/// <summary>
/// Ends the unfinished legs of dead nodes without waiting to be asked: every
/// <see cref="ClusterOptions.HeartbeatInterval"/> one live node (whichever takes the sweep's advisory lock; the others
/// skip that round) looks for nodes whose heartbeat is older than <see cref="ClusterOptions.DeadAfter"/> and that
/// still own unfinished legs, and ends each as crash recovery would (<see cref="LostLegCloser"/>: <c>completed</c> with
/// <c>disconnected_by: platform</c>, or <c>failed</c> for an outbound leg never answered; its end the node's last
/// heartbeat). Each leg is ended by a conditional update, so a REST operation ending the same leg at the same moment
/// on another node never makes its final event go out twice.
/// </summary>
/// <remarks>
/// Without the sweep a dead node's legs would stay listed in their last state until a REST operation touched them or
/// the node came back. A sweep ends at most <see cref="Batch"/> legs per dead node and round, so a node that died with
/// thousands of calls is worked off over a few rounds without one long transaction. A node that was only cut from the
/// database (not dead) has stopped taking new calls long before; its legs are ended in the store like a dead node's, as
/// the cluster cannot tell the two apart (that node has ended those calls itself by then: see
/// <see cref="PostgresMembership"/>).
/// <para>
/// Grace: no node is judged until this node has reached the database for <see cref="ClusterOptions.DeadAfter"/>
/// without a failure (its sweep rounds and its heartbeats both count), so after an outage of the database itself, or a
/// cut of this node, the first node back does not take the others for dead before their next heartbeat could land. The
/// check is two in-memory timestamps per round: no query is added.
/// </para>
/// </remarks>
public sealed class DeadNodeSweeper(IServiceProvider services, PostgresMembership membership, IOptions<ClusterOptions> options, IOptions<NccoHostOptions> host,
    TimeProvider time, ILogger<DeadNodeSweeper> logger) : BackgroundService
{
    /// <summary>Legs ended per dead node and round.</summary>
    public const int Batch = 200;

    private const long SweepLock = 0x4E43434F_53574550; // "NCCOSWEP"

    /// <summary>Legs this node has ended so far (for tests and diagnostics).</summary>
    public long Ended => Interlocked.Read(ref _ended);

    private long _ended;
    // TimeProvider timestamp of the first round that reached the database since the last one that did not; 0 when the
    // last round failed (or none ran).
    private long _reachableSince;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (host.Value.Store.Provider != StoreProvider.Postgres) return;
        var interval = options.Value.HeartbeatInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (membership.Incarnation == 0) continue;
            try
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DbException or TimeoutException or System.Net.Sockets.SocketException
                                      || e is OperationCanceledException && !stoppingToken.IsCancellationRequested)
            {
                // The database is out of reach: membership suspends this node; the next round tries again, and judges
                // no one until the database has been back for DeadAfter.
                Interlocked.Exchange(ref _reachableSince, 0);
                logger.SweepSkipped(e);
            }
        }
    }

    /// <summary>One round: ends the unfinished legs of every dead node; returns how many this node ended.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<PostgresDatabase>();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetTimestamp();
        var since = Interlocked.CompareExchange(ref _reachableSince, now, 0);
        if (since == 0) since = now;
        var deadAfter = options.Value.DeadAfter;
        if (time.GetElapsedTime(since, now) < deadAfter || membership.DatabaseReachableFor < deadAfter) return 0;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var take = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(@key)", connection, transaction))
        {
            take.Parameters.Add(new NpgsqlParameter("key", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = SweepLock });
            if (await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true) return 0;
        }
        var dead = new List<(string Node, DateTimeOffset LastSeen)>();
        await using (var find = new NpgsqlCommand("""
            SELECT n.node_id, CASE WHEN n.heartbeat_at = 'epoch' THEN clock_timestamp() ELSE n.heartbeat_at END
            FROM cluster_nodes n
            WHERE n.node_id <> @me AND clock_timestamp() - n.heartbeat_at >= @dead
              AND EXISTS (SELECT 1 FROM calls c WHERE c.owner_node = n.node_id AND c.end_time IS NULL)
            """, connection, transaction))
        {
            find.Text("me", membership.NodeId);
            find.Parameters.Add(new NpgsqlParameter("dead", NpgsqlTypes.NpgsqlDbType.Interval) { Value = options.Value.DeadAfter });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) dead.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }
        var ended = 0;
        foreach (var (node, lastSeen) in dead)
        {
            var legs = new List<CallRecord>();
            await using (var unfinished = new NpgsqlCommand($"SELECT {StoreRows.CallColumns} FROM calls WHERE owner_node = @node AND end_time IS NULL ORDER BY created_at, seq LIMIT {Batch}",
                connection, transaction))
            {
                unfinished.Text("node", node);
                await using var reader = await unfinished.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) legs.Add(StoreRows.ReadCall(reader));
            }
            logger.NodeDead(node, lastSeen, legs.Count);
            foreach (var leg in legs)
            {
                if (await EndAsync(leg, node, lastSeen, cancellationToken).ConfigureAwait(false)) ended++;
            }
        }
        await AdoptRecordingsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _ended, ended);
        return ended;
    }

    /// <summary>
    /// Under the sweep's lock: adopts the partial recordings dead nodes left on the shared recordings folder (at most
    /// <see cref="Batch"/> per node and round), so a finished part of a dead node's recording is downloadable, and
    /// announced, without waiting for that node id to start again. The claim files decide who adopts each one (see
    /// <see cref="CrashRecovery.AdoptRecordingsOfDeadNodeAsync"/>), so a restart of the dead node racing this never
    /// adopts a recording twice.
    /// </summary>
    private async Task AdoptRecordingsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var dead = new List<(string Node, DateTimeOffset LastSeen)>();
        await using (var find = new NpgsqlCommand("""
            SELECT node_id, CASE WHEN heartbeat_at = 'epoch' THEN clock_timestamp() ELSE heartbeat_at END
            FROM cluster_nodes WHERE node_id <> @me AND clock_timestamp() - heartbeat_at >= @dead
            """, connection, transaction))
        {
            find.Text("me", membership.NodeId);
            find.Parameters.Add(new NpgsqlParameter("dead", NpgsqlTypes.NpgsqlDbType.Interval) { Value = options.Value.DeadAfter });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) dead.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }
        var recovery = services.GetRequiredService<CrashRecovery>();
        foreach (var (node, lastSeen) in dead)
        {
            try
            {
                var adopted = await recovery.AdoptRecordingsOfDeadNodeAsync(node, lastSeen, Batch, cancellationToken).ConfigureAwait(false);
                if (adopted > 0) logger.RecordingsAdopted(adopted, node);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.RecordingsNotAdopted(e, node);
            }
        }
    }

    private async Task<bool> EndAsync(CallRecord leg, string node, DateTimeOffset lastSeen, CancellationToken cancellationToken)
    {
        var directory = services.GetRequiredService<ILegOwnerDirectory>();
        var application = await services.GetRequiredService<IApplicationRepository>().FindAsync(leg.ApplicationId, cancellationToken).ConfigureAwait(false);
        if (application is not null)
        {
            return await services.GetRequiredService<LostLegCloser>().EndAsync(directory, leg, node, lastSeen, application, cancellationToken).ConfigureAwait(false);
        }
        // The application was deleted meanwhile: nobody to tell, but the leg must not stay live in the store.
        var (record, _) = LostLeg.End(leg, lastSeen);
        return await directory.EndLostLegAsync(record, node, new CallEventRecord(leg.Uuid, record.EndTime!.Value, record.Status, null), cancellationToken).ConfigureAwait(false);
    }
}
