using System.Collections.Concurrent;

namespace Ncco.Host.Recordings;

/// <summary>
/// Recording rows kept in memory: what <c>AddNccoMedia</c> uses when no store registered an
/// <see cref="IRecordingRepository"/> (the media plane embedded without the host's database). Rows are lost on restart.
/// </summary>
public sealed class InMemoryRecordingRepository : IRecordingRepository
{
    private readonly ConcurrentDictionary<string, RecordingInfo> _rows = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task AddAsync(RecordingInfo recording, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recording);
        _rows[recording.FileId] = recording;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<RecordingInfo?> FindAsync(string fileId, CancellationToken cancellationToken) =>
        Task.FromResult(_rows.GetValueOrDefault(fileId));

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordingInfo>> ListAsync(string? applicationId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RecordingInfo>>(
            [.. _rows.Values.Where(r => applicationId is null || r.ApplicationId == applicationId).OrderByDescending(r => r.CreatedAt).Take(limit)]);
}
