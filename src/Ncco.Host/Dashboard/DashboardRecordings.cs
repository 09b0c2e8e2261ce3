using Ncco.Host.Recordings;

namespace Ncco.Host.Dashboard;

/// <summary>One recording as the dashboard lists it.</summary>
/// <param name="FileId">The file id (<c>/v1/files/{id}</c>).</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="Length">Bytes.</param>
/// <param name="CreatedAt">When the file was finished.</param>
public sealed record DashboardRecording(string FileId, string ContentType, long Length, DateTimeOffset CreatedAt);

/// <summary>
/// The recordings the dashboard lists. The one place that knows how: today the recordings folder of
/// <see cref="RecordingStore"/> is enumerated (a file's name is its id), each file confirmed through
/// <see cref="RecordingStore.FindAsync"/> so partial files never show.
/// </summary>
internal sealed class DashboardRecordings(RecordingStore store)
{
    /// <summary>Recordings listed at most, newest first.</summary>
    public const int Limit = 200;

    public async Task<IReadOnlyList<DashboardRecording>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(store.Directory)) return [];
        var candidates = new DirectoryInfo(store.Directory).EnumerateFiles()
            .Where(f => Guid.TryParse(Path.GetFileNameWithoutExtension(f.Name), out _))
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .Take(Limit)
            .ToList();
        var list = new List<DashboardRecording>(candidates.Count);
        foreach (var file in candidates)
        {
            if (await store.FindAsync(Path.GetFileNameWithoutExtension(file.Name), cancellationToken) is { } found)
                list.Add(new DashboardRecording(found.FileId, found.ContentType, found.Length, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero)));
        }
        return list;
    }

    public Task<RecordingFile?> FindAsync(string fileId, CancellationToken cancellationToken) => store.FindAsync(fileId, cancellationToken);
}
