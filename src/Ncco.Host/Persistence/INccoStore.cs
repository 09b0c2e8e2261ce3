using Ncco.Host.Configuration;

namespace Ncco.Host.Persistence;

/// <summary>
/// One store provider's database as a whole: its schema and whether it answers. The repositories
/// (<see cref="Applications.IApplicationRepository"/>, <see cref="Calls.ICallRepository"/>,
/// <see cref="Recordings.IRecordingRepository"/>, <see cref="ISipBindingRepository"/>,
/// <see cref="Auth.IAccountCredentialsStore"/>) are the same provider's, registered as keyed services under
/// <see cref="StoreRegistration.Key"/> of <see cref="Provider"/>.
/// </summary>
public interface INccoStore
{
    /// <summary>The provider this is.</summary>
    StoreProvider Provider { get; }

    /// <summary>
    /// Applies every migration newer than the stored schema version. Safe to call again, and from several nodes at
    /// once (the PostgreSQL provider serialises them).
    /// </summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Runs one trivial query; throws the provider's <see cref="System.Data.Common.DbException"/> when the database does not answer.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
