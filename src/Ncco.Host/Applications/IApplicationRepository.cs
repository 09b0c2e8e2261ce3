namespace Ncco.Host.Applications;

/// <summary>Stores applications. The SQLite implementation is the default; PostgreSQL implements the same contract.</summary>
public interface IApplicationRepository
{
    /// <summary>Adds a new application.</summary>
    Task AddAsync(Application application, CancellationToken cancellationToken);

    /// <summary>The application, or null when there is none with that id.</summary>
    Task<Application?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>One page of applications in insertion order, and the total count.</summary>
    Task<(IReadOnlyList<Application> Items, int Total)> ListAsync(int offset, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces an application; false when it does not exist.</summary>
    Task<bool> ReplaceAsync(Application application, CancellationToken cancellationToken);

    /// <summary>Deletes an application; false when it does not exist.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}
