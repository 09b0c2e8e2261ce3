using Microsoft.Extensions.Options;
using Ncco.Host.Calls;
using Ncco.Host.Cluster;
using Ncco.Host.Configuration;
using Npgsql;

namespace Ncco.Host.Postgres.Cluster;

/// <summary>
/// <see cref="ILegOwnerDirectory"/> on the shared database: a leg's owner is the node its call row names
/// (<c>owner_node</c>), alive while that node's heartbeat is fresh. With the SQLite store it knows no owners, so every
/// leg is handled by the node asked.
/// </summary>
/// <remarks>
/// <para>Grace after an outage, as for the sweep (<see cref="DeadNodeSweeper"/>): this node takes an owner for dead only
/// once it has itself reached the database for <see cref="ClusterOptions.DeadAfter"/> without a failure
/// (<see cref="PostgresMembership.DatabaseReachableFor"/>). Until then an owner whose heartbeat looks expired is
/// reported alive: right after an outage of the database (or of this node's link to it) every other node's heartbeat
/// looks old until its next one lands, and taking that for death would end a live leg in the store and answer
/// "completed"/404 for a call that carries on. So during the grace a REST operation on such a leg is forwarded to the
/// owner like any other: a live owner answers it; a dead one refuses the connection (control gets 404 at once,
/// <c>GET</c> the leg's last stored state) or does not answer (503 after the hop's timeout) — never a wrong final
/// answer. The grace lasts at most <c>DeadAfter</c> after this node's database comes back.</para>
/// </remarks>
public sealed class PostgresLegOwnerDirectory(IServiceProvider services, PostgresMembership membership, IOptions<NccoHostOptions> host, IOptions<ClusterOptions> options)
    : ILegOwnerDirectory
{
    private readonly bool _shared = host.Value.Store.Provider == StoreProvider.Postgres;

    /// <inheritdoc />
    public string ThisNode => membership.NodeId;

    /// <inheritdoc />
    public async Task<LegOwner?> OwnerOfAsync(string uuid, CancellationToken cancellationToken)
    {
        if (!_shared) return null;
        var member = await membership.OwnerOfAsync(uuid, cancellationToken).ConfigureAwait(false);
        if (member is null) return null;
        var alive = member.IsAlive || membership.DatabaseReachableFor < options.Value.DeadAfter;
        return new LegOwner(member.NodeId, member.InternalUrl, alive, member.NodeId == membership.NodeId, member.HeartbeatAt);
    }

    /// <inheritdoc />
    public async Task<bool> EndLostLegAsync(CallRecord ended, string deadOwner, CallEventRecord? history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ended);
        if (!_shared) return false;
        var database = services.GetRequiredService<PostgresDatabase>();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Conditional on the row as the dead node left it: when several nodes end the leg at once, one update wins.
        await using (var end = new NpgsqlCommand("""
            UPDATE calls SET status = @status, end_time = @end, ended_by = @me
            WHERE uuid = @uuid AND end_time IS NULL AND owner_node = @owner
            """, connection, transaction))
        {
            end.Text("status", ended.Status);
            end.Bigint("end", ended.EndTime?.ToUnixTimeMilliseconds());
            end.Text("uuid", ended.Uuid);
            end.Text("owner", deadOwner);
            end.Text("me", membership.NodeId);
            if (await end.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1) return false;
        }
        if (history is not null)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO call_events (call_uuid, at, kind, payload, owner_node) VALUES (@uuid, @at, @kind, @payload, @node)",
                connection, transaction);
            insert.Text("uuid", history.CallUuid);
            insert.Bigint("at", history.At.ToUnixTimeMilliseconds());
            insert.Text("kind", history.Kind);
            insert.Text("payload", history.Payload);
            insert.Text("node", membership.NodeId);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
