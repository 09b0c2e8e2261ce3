namespace Ncco.Host.Recordings;

/// <summary>
/// Stores <see cref="RecordingInfo"/> rows (the files themselves stay in the recordings folder). SQLite is the default;
/// PostgreSQL implements the same contract.
/// </summary>
public interface IRecordingRepository
{
    /// <summary>Adds the row of a finished file.</summary>
    Task AddAsync(RecordingInfo recording, CancellationToken cancellationToken);

    /// <summary>The row of <paramref name="fileId"/>, or null.</summary>
    Task<RecordingInfo?> FindAsync(string fileId, CancellationToken cancellationToken);

    /// <summary>An application's files (every application's when <paramref name="applicationId"/> is null), newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RecordingInfo>> ListAsync(string? applicationId, int limit, CancellationToken cancellationToken);
}
