using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;
using Ncco.Media.Recording;

namespace Ncco.Host.Recordings;

/// <summary>
/// Where recordings live: <c>&lt;DataDirectory&gt;/recordings/&lt;fileId&gt;.&lt;ext&gt;</c>. The file name is the whole
/// index (no database row), so recordings survive a restart and a file is findable as soon as it was renamed into
/// place — <see cref="CallRecorder"/> writes <c>&lt;name&gt;.partial.wav</c> first and renames only once the file is durable,
/// so <see cref="FindAsync"/> never returns a half-written recording.
/// </summary>
public sealed class RecordingStore
{
    private static readonly (string Extension, string ContentType)[] Types =
    [
        (".mp3", "audio/mpeg"),
        (".wav", "audio/wav"),
        (".ogg", "audio/ogg"),
    ];

    /// <summary>Creates the store under <see cref="NccoHostOptions.DataDirectory"/>.</summary>
    public RecordingStore(IOptions<NccoHostOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "recordings");
    }

    /// <summary>The recordings folder.</summary>
    public string Directory { get; }

    /// <summary>Allocates a new file id and the path its recording must be written to (the folder is created).</summary>
    public (string FileId, string Path) Allocate(RecordingFormat format)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var id = Guid.NewGuid().ToString("D");
        return (id, Path.Combine(Directory, id + Extension(format)));
    }

    /// <summary>
    /// Finds a finished recording by file id; null when there is none (or the id is not a UUID, so a request can
    /// never name a path outside the folder).
    /// </summary>
    public Task<RecordingFile?> FindAsync(string fileId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (string.IsNullOrEmpty(fileId) || !Guid.TryParse(fileId, out var guid)) return Task.FromResult<RecordingFile?>(null);
        var canonical = guid.ToString("D");
        foreach (var (ext, type) in Types)
        {
            var info = new FileInfo(Path.Combine(Directory, canonical + ext));
            if (info.Exists) return Task.FromResult<RecordingFile?>(new RecordingFile(canonical, info.FullName, type, info.Length));
        }
        return Task.FromResult<RecordingFile?>(null);
    }

    /// <summary>The file extension of a format (the effective one: MP3 above two channels is written as WAV).</summary>
    public static string Extension(RecordingFormat format) => format switch
    {
        RecordingFormat.Wav => ".wav",
        RecordingFormat.Ogg => ".ogg",
        _ => ".mp3",
    };
}
