using Ncco.Host.Auth;
using Npgsql;

namespace Ncco.Host.Postgres;

/// <summary>
/// JWT replay rejection (<c>Ncco:Auth:RejectReplayedTokens</c>) across every node: a token's <c>jti</c> is a row of
/// <c>jwt_replay</c> until the token expires, so a token accepted by one node is refused by all the others. The insert
/// is one statement (<c>ON CONFLICT … WHERE expired</c>), so two nodes given the same token at once accept it once.
/// Expired rows are deleted by the node that finds some, at most once a minute.
/// </summary>
public sealed class PostgresJtiReplayStore(PostgresDatabase database, TimeProvider time) : IJtiReplayStore
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);
    private long _nextSweep;

    /// <inheritdoc />
    public async ValueTask<bool> TryRecordAsync(string applicationId, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (Interlocked.Read(ref _nextSweep) <= now)
        {
            Interlocked.Exchange(ref _nextSweep, now + (long)SweepEvery.TotalMilliseconds);
            await using var sweep = new NpgsqlCommand("DELETE FROM jwt_replay WHERE expires_at <= @now", connection);
            sweep.Bigint("now", now);
            await sweep.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var record = new NpgsqlCommand("""
            INSERT INTO jwt_replay (application_id, jti, expires_at) VALUES (@app, @jti, @expires)
            ON CONFLICT (application_id, jti) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE jwt_replay.expires_at <= @now
            RETURNING 1
            """, connection);
        record.Text("app", applicationId);
        record.Text("jti", jti);
        record.Bigint("expires", expiresAt.ToUnixTimeMilliseconds());
        record.Bigint("now", now);
        return await record.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }
}
