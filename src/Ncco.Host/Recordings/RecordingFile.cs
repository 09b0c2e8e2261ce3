namespace Ncco.Host.Recordings;

/// <summary>A finished recording on disk, as served by <c>GET /v1/files/{id}</c>.</summary>
/// <param name="FileId">The id (last segment of <c>recording_url</c>).</param>
/// <param name="Path">Full path of the file.</param>
/// <param name="ContentType"><c>audio/mpeg</c>, <c>audio/wav</c> or <c>audio/ogg</c>.</param>
/// <param name="Length">Size in bytes.</param>
public sealed record RecordingFile(string FileId, string Path, string ContentType, long Length);
