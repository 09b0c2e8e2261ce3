namespace Ncco.Host.Configuration;

/// <summary>Which database holds the host's state (<c>Ncco:Store:Provider</c>).</summary>
public enum StoreProvider
{
    /// <summary>One SQLite file in the data directory: the embedded default for a single node.</summary>
    Sqlite,

    /// <summary>
    /// A PostgreSQL database shared by every node of a cluster (<c>Ncco:Store:ConnectionString</c>); needs the
    /// <c>Ncco.Host.Postgres</c> package and its <c>AddNccoPostgres()</c> registration.
    /// </summary>
    Postgres,
}
