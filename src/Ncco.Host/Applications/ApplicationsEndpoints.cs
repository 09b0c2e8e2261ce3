using System.Globalization;
using System.Text.Json;
using Ncco.Host.Auth;
using Ncco.Host.Errors;
using Ncco.Host.Http;

namespace Ncco.Host.Applications;

/// <summary>Applications API v2 (<c>/v2/applications</c>), Basic auth with the account's API key and secret.</summary>
public static class ApplicationsEndpoints
{
    private const int DefaultPageSize = 10;

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapApplicationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/applications").AddSingletonEndpointFilter<BasicAuthenticationFilter>();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPut("/{id}", ReplaceAsync);
        group.MapDelete("/{id}", DeleteAsync);
        return routes;
    }

    private static async Task<IResult> ListAsync(HttpContext http, IApplicationRepository repository, CancellationToken cancellationToken)
    {
        var errors = new List<InvalidParameter>();
        var pageSize = QueryInt(http, "page_size", DefaultPageSize, 1, 100, errors);
        var page = QueryInt(http, "page", 1, 1, int.MaxValue, errors);
        if (errors.Count > 0) return ErrorResults.InvalidParameters(http, "/application#list-validation", errors);

        var (items, total) = await repository.ListAsync((page - 1) * pageSize, pageSize, cancellationToken);
        var totalPages = Math.Max(1, (int)Math.Ceiling(total / (double)pageSize));
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("page_size", pageSize);
            w.WriteNumber("page", page);
            w.WriteNumber("total_items", total);
            w.WriteNumber("total_pages", totalPages);
            w.WriteStartObject("_embedded");
            w.WriteStartArray("applications");
            foreach (var application in items) ApplicationJson.Write(w, application);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("_links");
            Link(w, "self", $"/v2/applications?page_size={pageSize}&page={page}");
            Link(w, "first", Href(pageSize, 1));
            Link(w, "last", Href(pageSize, totalPages));
            if (page < totalPages) Link(w, "next", Href(pageSize, page + 1));
            if (page > 1) Link(w, "prev", Href(pageSize, page - 1));
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IApplicationRepository repository, CancellationToken cancellationToken)
    {
        var (request, failure) = await ReadRequestAsync(http, cancellationToken);
        if (request is null) return failure!;

        var keys = request.PublicKey is null ? KeyPair.Generate() : null;
        var application = new Application(Guid.NewGuid().ToString(), request.Name, request.PublicKey ?? keys!.PublicKeyPem)
        {
            Voice = request.Voice,
            ImproveAi = request.ImproveAi,
            OtherCapabilities = request.OtherCapabilities,
        };
        await repository.AddAsync(application, cancellationToken);
        return Json(w => ApplicationJson.Write(w, application, keys?.PrivateKeyPem), StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, IApplicationRepository repository, CancellationToken cancellationToken) =>
        await repository.FindAsync(id, cancellationToken) is { } application
            ? Json(w => ApplicationJson.Write(w, application))
            : ErrorResults.NotFound(http, $"No application with id {id}.");

    private static async Task<IResult> ReplaceAsync(string id, HttpContext http, IApplicationRepository repository, ApplicationKeyCache keys, CancellationToken cancellationToken)
    {
        var existing = await repository.FindAsync(id, cancellationToken);
        if (existing is null) return ErrorResults.NotFound(http, $"No application with id {id}.");
        var (request, failure) = await ReadRequestAsync(http, cancellationToken);
        if (request is null) return failure!;

        // PUT replaces the application; a key is kept unless a new public key is supplied.
        var application = new Application(id, request.Name, request.PublicKey ?? existing.PublicKey)
        {
            Voice = request.Voice,
            ImproveAi = request.ImproveAi,
            OtherCapabilities = request.OtherCapabilities,
        };
        var replaced = await repository.ReplaceAsync(application, cancellationToken);
        keys.Invalidate(id);
        return replaced
            ? Json(w => ApplicationJson.Write(w, application))
            : ErrorResults.NotFound(http, $"No application with id {id}.");
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext http, IApplicationRepository repository, ApplicationKeyCache keys, CancellationToken cancellationToken)
    {
        var deleted = await repository.DeleteAsync(id, cancellationToken);
        keys.Invalidate(id);
        return deleted ? Results.NoContent() : ErrorResults.NotFound(http, $"No application with id {id}.");
    }

    private static async Task<(ApplicationJson.Request? Request, IResult? Failure)> ReadRequestAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (!(http.Request.ContentType ?? string.Empty).StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ErrorResults.UnsupportedMediaType(http));
        }
        var (parsed, problem) = await Http.JsonRequestBody.ReadAsync(http.Request, cancellationToken);
        if (problem is not null || parsed is null) return (null, ErrorResults.InvalidJson(http, problem ?? "The body is empty."));
        using var document = parsed;
        {
            var errors = new List<InvalidParameter>();
            var request = ApplicationJson.ReadRequest(document.RootElement, errors);
            return request is null ? (null, ErrorResults.InvalidParameters(http, "/application#payload-validation", errors)) : (request, null);
        }
    }

    private static int QueryInt(HttpContext http, string name, int fallback, int min, int max, List<InvalidParameter> errors)
    {
        var raw = http.Request.Query[name].ToString();
        if (raw.Length == 0) return fallback;
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        errors.Add(new(name, max == int.MaxValue ? $"must be a whole number of at least {min}" : $"must be between {min} and {max}"));
        return fallback;
    }

    private static string Href(int pageSize, int page) =>
        page == 1 ? $"/v2/applications?page_size={pageSize}" : $"/v2/applications?page_size={pageSize}&page={page}";

    private static void Link(Utf8JsonWriter w, string rel, string href)
    {
        w.WriteStartObject(rel);
        w.WriteString("href", href);
        w.WriteEndObject();
    }

    private static IResult Json(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK) => Utf8JsonResult.Create(write, status);
}
