using Ncco.Host.Auth;
using Ncco.Host.Errors;
using Ncco.Host.Http;

namespace Ncco.Host.Recordings;

/// <summary>
/// Recording downloads (reference §3.10): <c>GET /v1/files/{id}</c> (the <c>recording_url</c> this host writes) and
/// <c>GET /v3/files/{id}</c> (where the official SDKs fetch a file by id), with the JWT of the application whose call
/// made the file.
/// </summary>
public static class FilesEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder routes)
    {
        foreach (var prefix in (string[])["/v1/files", "/v3/files"])
        {
            routes.MapGet(prefix + "/{id}", DownloadAsync).AddSingletonEndpointFilter<ApplicationJwtFilter>().WithTags("Files")
                .WithSummary("Download a recording");
        }
        return routes;
    }

    private static async Task<IResult> DownloadAsync(string id, HttpContext http, RecordingStore store, CancellationToken cancellationToken)
    {
        var file = await store.FindAsync(id, cancellationToken);
        // Another application's file answers exactly like a missing one: ids must not be probeable across applications.
        if (file is null || file.Info.ApplicationId != ApplicationJwtFilter.ApplicationOf(http).Id)
            return ErrorResults.NotFound(http, $"No file with id {id}.");
        return Results.File(file.Path, file.ContentType, fileDownloadName: Path.GetFileName(file.Path), enableRangeProcessing: true);
    }
}
