using Ncco.Host.Auth;
using Ncco.Host.Errors;

namespace Ncco.Host.Recordings;

/// <summary>
/// Recording downloads (reference §3.10): <c>GET /v1/files/{id}</c> (the <c>recording_url</c> this host writes) and
/// <c>GET /v3/files/{id}</c> (where the official SDKs fetch a file by id), with an application JWT.
/// </summary>
public static class FilesEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder routes)
    {
        foreach (var prefix in (string[])["/v1/files", "/v3/files"])
        {
            routes.MapGet(prefix + "/{id}", DownloadAsync).AddEndpointFilter<ApplicationJwtFilter>().WithTags("Files")
                .WithSummary("Download a recording");
        }
        return routes;
    }

    private static async Task<IResult> DownloadAsync(string id, HttpContext http, RecordingStore store, CancellationToken cancellationToken)
    {
        var file = await store.FindAsync(id, cancellationToken);
        if (file is null) return ErrorResults.NotFound(http, $"No file with id {id}.");
        return Results.File(file.Path, file.ContentType, fileDownloadName: Path.GetFileName(file.Path), enableRangeProcessing: true);
    }
}
