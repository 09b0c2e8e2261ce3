namespace Ncco.Host.Errors;

/// <summary>Builds the documented error responses. Every error carries the request's trace id as <c>instance</c>.</summary>
public static class ErrorResults
{
    private const string DocsBase = "https://developer.vonage.com/api-errors";

    /// <summary>401 with the given key (<c>unauthorized</c>, <c>jwt-expired</c>, <c>jwt-revoked</c>).</summary>
    public static IResult Unauthorized(HttpContext context, string key, string detail) =>
        Problem(context, StatusCodes.Status401Unauthorized, DocsBase + "#" + key,
            key == "unauthorized" ? "Invalid credentials supplied" : key == "jwt-expired" ? "The token has expired" : "The token has been revoked",
            detail);

    /// <summary>403 when valid credentials do not cover the request (a JWT whose <c>acl</c> leaves it out).</summary>
    public static IResult Forbidden(HttpContext context, string detail) =>
        Problem(context, StatusCodes.Status403Forbidden, DocsBase + "#forbidden", "Forbidden", detail);

    /// <summary>404 for an unknown resource.</summary>
    public static IResult NotFound(HttpContext context, string detail) =>
        Problem(context, StatusCodes.Status404NotFound, DocsBase + "#not-found", "Not Found", detail);

    /// <summary>400 naming every invalid field.</summary>
    public static IResult InvalidParameters(HttpContext context, string typeSuffix, IReadOnlyList<InvalidParameter> parameters) =>
        Results.Json(
            new VonageError(DocsBase + typeSuffix, "Bad Request", "The request failed due to validation errors", TraceId(context))
            {
                InvalidParameters = parameters,
            },
            statusCode: StatusCodes.Status400BadRequest);

    /// <summary>400 for a request that is well formed but not possible now (e.g. talk into a leg not yet answered).</summary>
    public static IResult BadRequest(HttpContext context, string detail) =>
        Problem(context, StatusCodes.Status400BadRequest, DocsBase + "#bad-request", "Bad Request", detail);

    /// <summary>429 when the outbound call rate is exceeded; <c>Retry-After</c> says when to try again.</summary>
    public static IResult TooManyRequests(HttpContext context, TimeSpan retryAfter, string detail)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(context, StatusCodes.Status429TooManyRequests, DocsBase + "#throttled", "Too Many Requests", detail);
    }

    /// <summary>409 when the request contradicts the resource's state (e.g. undraining a host that is shutting down).</summary>
    public static IResult Conflict(HttpContext context, string detail) =>
        Problem(context, StatusCodes.Status409Conflict, DocsBase + "#conflict", "Conflict", detail);

    /// <summary>503 while the host drains for shutdown.</summary>
    public static IResult Unavailable(HttpContext context, string detail) =>
        Problem(context, StatusCodes.Status503ServiceUnavailable, DocsBase + "#unavailable", "Service Unavailable", detail);

    /// <summary>400 for a body that is not JSON.</summary>
    public static IResult InvalidJson(HttpContext context, string detail) =>
        Problem(context, StatusCodes.Status400BadRequest, DocsBase + "#invalid-json", "Invalid JSON", detail);

    /// <summary>415 when the body is not declared as JSON.</summary>
    public static IResult UnsupportedMediaType(HttpContext context) =>
        Problem(context, StatusCodes.Status415UnsupportedMediaType, DocsBase + "#content-type-header", "Unsupported Media Type",
            "Content-Type must be application/json");

    private static IResult Problem(HttpContext context, int status, string type, string title, string detail) =>
        Results.Json(new VonageError(type, title, detail, TraceId(context)), statusCode: status);

    /// <summary>The trace id also sent as <c>x-nexmo-trace-id</c> (<see cref="Observability.RequestTraceId"/>).</summary>
    public static string TraceId(HttpContext context) => Observability.RequestTraceId.Of(context);
}
