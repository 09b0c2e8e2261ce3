namespace Ncco.Host.Configuration;

/// <summary>
/// Where the host keeps applications, calls and their events, recording rows, SIP registrations and the account
/// credentials (<c>Ncco:Store</c>). With no settings it is the SQLite file <c>ncco.db</c> in the data directory, as it
/// always was; <c>Provider=Postgres</c> puts all of it in one PostgreSQL database that every node of a cluster shares.
/// </summary>
public sealed class StoreOptions
{
    /// <summary>The database (default <see cref="StoreProvider.Sqlite"/>).</summary>
    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>
    /// The provider's connection string: required for <see cref="StoreProvider.Postgres"/> (an Npgsql connection
    /// string, e.g. <c>Host=db;Database=ncco;Username=ncco;Password=…</c>); not used for SQLite, whose file is
    /// <c>ncco.db</c> in <c>Ncco:DataDirectory</c>.
    /// </summary>
    public string? ConnectionString { get; set; }
}
