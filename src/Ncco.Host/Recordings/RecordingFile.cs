namespace Ncco.Host.Recordings;

/// <summary>A finished file on disk, as served by <c>GET /v1/files/{id}</c>.</summary>
/// <param name="FileId">The id (last segment of <c>recording_url</c>).</param>
/// <param name="Path">Full path of the file.</param>
/// <param name="ContentType"><c>audio/mpeg</c>, <c>audio/wav</c>, <c>audio/ogg</c> or <c>application/json</c>.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="Info">Its stored row (owner, kind, time).</param>
public sealed record RecordingFile(string FileId, string Path, string ContentType, long Length, RecordingInfo Info);
