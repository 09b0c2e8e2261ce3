using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;
using Ncco.Media.Recording;

namespace Ncco.Host.Recordings;

/// <summary>
/// Where recordings (and saved speech and transcripts) live: the bytes in <c>&lt;DataDirectory&gt;/recordings/&lt;fileId&gt;.&lt;ext&gt;</c>,
/// the facts — above all the owning application — as an <see cref="IRecordingRepository"/> row. A row is added only once
/// the file is finished (<see cref="CallRecorder"/> writes <c>&lt;name&gt;.partial.wav</c> and renames it when durable), so
/// <see cref="FindAsync"/> never returns a half-written file, and a file without a row is never served.
/// </summary>
public sealed class RecordingStore
{
    private static readonly (string Extension, string ContentType)[] Types =
    [
        (".mp3", "audio/mpeg"),
        (".wav", "audio/wav"),
        (".ogg", "audio/ogg"),
        (".json", "application/json"),
    ];

    private readonly IRecordingRepository _repository;
    private readonly TimeProvider _time;

    /// <summary>Creates the store of a single node (no node id in its claims).</summary>
    public RecordingStore(IOptions<NccoHostOptions> options, IRecordingRepository repository, TimeProvider time)
        : this(options, repository, time, nodeId: null)
    {
    }

    /// <summary>
    /// Creates the store in <see cref="RecordingsOptions.Directory"/> (default <c>&lt;DataDirectory&gt;/recordings</c>);
    /// in a cluster (a shared store, so an <see cref="Cluster.ILegOwnerDirectory"/>) the claims it writes name this node.
    /// </summary>
    [ActivatorUtilitiesConstructor]
    public RecordingStore(IOptions<NccoHostOptions> options, IRecordingRepository repository, TimeProvider time, IServiceProvider services)
        : this(options, repository, time, NodeOf(options, services))
    {
    }

    private RecordingStore(IOptions<NccoHostOptions> options, IRecordingRepository repository, TimeProvider time, string? nodeId)
    {
        ArgumentNullException.ThrowIfNull(options);
        _repository = repository ?? throw new ArgumentNullException(nameof(repository));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        var data = Path.GetFullPath(options.Value.DataDirectory);
        try
        {
            Directory = options.Value.Recordings.Directory is { Length: > 0 } configured
                ? Path.GetFullPath(Path.Combine(data, configured))
                : Path.Combine(data, "recordings");
        }
        catch (ArgumentException e)
        {
            // Resolved before the options' validation may run: fail with the same message naming the key.
            throw new InvalidOperationException($"Ncco:Recordings:Directory '{options.Value.Recordings.Directory}' is not a valid directory path.", e);
        }
        NodeId = nodeId;
    }

    private static string? NodeOf(IOptions<NccoHostOptions> options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        return options.Value.Store.Provider == StoreProvider.Sqlite ? null : services.GetService<Cluster.ILegOwnerDirectory>()?.ThisNode;
    }

    /// <summary>
    /// The cluster node this host is (stamped on every claim it writes), or null for a single node, whose folder is its
    /// own.
    /// </summary>
    public string? NodeId { get; }

    /// <summary>The recordings folder.</summary>
    public string Directory { get; }

    /// <summary>Allocates a new file id and the path its recording must be written to (the folder is created).</summary>
    public (string FileId, string Path) Allocate(RecordingFormat format) => Allocate(Extension(format));

    /// <summary>Allocates a new file id and path with <paramref name="extension"/> (one of the served types).</summary>
    public (string FileId, string Path) Allocate(string extension)
    {
        if (!Types.Any(t => t.Extension == extension)) throw new ArgumentException($"Files of type {extension} are not served.", nameof(extension));
        System.IO.Directory.CreateDirectory(Directory);
        var id = Guid.NewGuid().ToString("D");
        return (id, Path.Combine(Directory, id + extension));
    }

    /// <summary>
    /// Writes the claim of a recording being written to <paramref name="path"/>, stamped with this node's id, so a
    /// restart after a crash can adopt its partial file (<see cref="Operations.CrashRecovery"/>) — on a folder shared by
    /// a cluster, only the node that wrote it.
    /// </summary>
    public void WriteClaim(string path, RecordingClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        File.WriteAllBytes(ClaimPath(path), (claim with { Node = NodeId }).ToUtf8());
    }

    /// <summary>
    /// Whether <paramref name="claim"/> is this node's to recover: written by this node id; or, on a single node, one
    /// written before claims named nodes. A claim of another node (on a shared folder) is that node's, alive or not.
    /// </summary>
    public bool IsMine(RecordingClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return claim.Node is null ? NodeId is null : string.Equals(claim.Node, NodeId, StringComparison.Ordinal);
    }

    /// <summary>Deletes the claim of a recording that was finished or reported failed.</summary>
    public static void DropClaim(string path)
    {
        try
        {
            File.Delete(ClaimPath(path));
        }
        catch (IOException)
        {
            // A claim left behind is only read at the next start, where a missing partial file makes it a no-op.
        }
    }

    /// <summary>The claim file of the recording written to <paramref name="path"/>.</summary>
    public static string ClaimPath(string path) => path + ".partial.json";

    /// <summary>
    /// Records that the file <paramref name="fileId"/> is finished and belongs to <paramref name="owner"/>; from now on
    /// <see cref="FindAsync"/> serves it.
    /// </summary>
    public async Task<RecordingInfo> CompleteAsync(string fileId, RecordingOwner owner, RecordingKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var (info, type) = Locate(fileId) ?? throw new FileNotFoundException($"Recording {fileId} has no finished file.");
        var row = new RecordingInfo(fileId, owner.ApplicationId, owner.ConversationUuid, owner.LegUuid, kind, type, info.Length, _time.GetUtcNow());
        await _repository.AddAsync(row, cancellationToken).ConfigureAwait(false);
        return row;
    }

    /// <summary>
    /// Finds a finished file by id; null when there is none, it has no row, or the id is not a UUID (so a request can
    /// never name a path outside the folder).
    /// </summary>
    public async Task<RecordingFile?> FindAsync(string fileId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(fileId) || !Guid.TryParse(fileId, out var guid)) return null;
        var canonical = guid.ToString("D");
        var row = await _repository.FindAsync(canonical, cancellationToken).ConfigureAwait(false);
        if (row is null || Locate(canonical) is not var (info, type)) return null;
        return new RecordingFile(canonical, info.FullName, type, info.Length, row);
    }

    /// <summary>An application's files (every application's when <paramref name="applicationId"/> is null), newest first.</summary>
    public Task<IReadOnlyList<RecordingInfo>> ListAsync(string? applicationId, int limit, CancellationToken cancellationToken) =>
        _repository.ListAsync(applicationId, Math.Clamp(limit, 1, 1000), cancellationToken);

    private (FileInfo Info, string ContentType)? Locate(string fileId)
    {
        foreach (var (ext, type) in Types)
        {
            var info = new FileInfo(Path.Combine(Directory, fileId + ext));
            if (info.Exists) return (info, type);
        }
        return null;
    }

    /// <summary>The file extension of a format (the effective one: MP3 above two channels is written as WAV).</summary>
    public static string Extension(RecordingFormat format) => format switch
    {
        RecordingFormat.Wav => ".wav",
        RecordingFormat.Ogg => ".ogg",
        _ => ".mp3",
    };
}
