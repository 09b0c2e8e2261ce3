using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Ncco.Host.Applications;
using Ncco.Host.Auth;
using Ncco.Host.Http;

namespace Ncco.Host.Numbers;

/// <summary>
/// The Numbers API subset the official SDKs call (<c>@vonage/numbers</c>: <c>getOwnedNumbers</c>, <c>buyNumber</c>,
/// <c>cancelNumber</c>, <c>updateNumber</c>), Basic auth with the account's API key and secret. Here "buy" adds a number
/// the host answers and "cancel" removes it (nothing is bought); "update" links it to an application. Changes apply to
/// the next call at once. Number search (<c>/number/search</c>) is not offered: there is no inventory to search.
/// </summary>
/// <remarks>
/// As Vonage: POST bodies are forms (<c>application/x-www-form-urlencoded</c>, as the SDKs send; the same parameters in
/// the query string are read too), success is HTTP 200 with <c>{"error-code":"200","error-code-label":"success"}</c>,
/// and a refused request is HTTP 420 with <c>error-code</c> <c>420</c> and a label naming the parameter and the reason.
/// </remarks>
public static class NumbersEndpoints
{
    private const int DefaultPageSize = 10;
    private const int MaxPageSize = 100;

    // Small forms only: a hostile body costs a 420, never memory.
    private static readonly FormOptions Form = new() { ValueCountLimit = 32, KeyLengthLimit = 64, ValueLengthLimit = 1024, BufferBody = false };

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapNumbersApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/account/numbers", ListAsync).AddSingletonEndpointFilter<BasicAuthenticationFilter>();
        var number = routes.MapGroup("/number").AddSingletonEndpointFilter<BasicAuthenticationFilter>();
        number.MapPost("/buy", BuyAsync);
        number.MapPost("/cancel", CancelAsync);
        number.MapPost("/update", UpdateAsync);
        return routes;
    }

    private static async Task<IResult> ListAsync(HttpContext http, INumberRepository numbers, CancellationToken cancellationToken)
    {
        var q = http.Request.Query;
        string? error = null;
        var size = Int(q["size"], "size", DefaultPageSize, 1, MaxPageSize, ref error);
        var index = Int(q["index"], "index", 1, 1, 1_000_000, ref error);
        var searchPattern = Int(q["search_pattern"], "search_pattern", 1, 0, 2, ref error);
        var country = Country(q["country"], required: false, ref error);
        string? pattern = null;
        if (!StringValues.IsNullOrEmpty(q["pattern"]))
        {
            pattern = q["pattern"].ToString().TrimStart('+');
            if (pattern.Length > 15 || !pattern.All(char.IsAsciiDigit)) error ??= "pattern: must be up to 15 digits";
        }
        bool? hasApplication = null;
        if (!StringValues.IsNullOrEmpty(q["has_application"]))
        {
            if (bool.TryParse(q["has_application"], out var has)) hasApplication = has;
            else error ??= "has_application: must be true or false";
        }
        var applicationId = StringValues.IsNullOrEmpty(q["application_id"]) ? null : q["application_id"].ToString();
        if (applicationId is { Length: > 64 }) error ??= "application_id: too long";
        if (error is not null) return Failed(error);

        var (items, total) = await numbers.ListAsync(new NumberQuery(country, applicationId, hasApplication, pattern, searchPattern, (index - 1) * size, size), cancellationToken);
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("count", total);
            w.WriteStartArray("numbers");
            foreach (var n in items) Write(w, n);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> BuyAsync(HttpContext http, INumberRepository numbers, AccountCredentials account, TimeProvider time, CancellationToken cancellationToken)
    {
        var (p, formError) = await ParametersAsync(http, cancellationToken);
        if (formError is not null) return Failed(formError);
        string? error = null;
        var country = Country(p["country"], required: true, ref error);
        var msisdn = Msisdn(p["msisdn"], ref error);
        TargetApiKey(p, account, ref error);
        if (error is not null) return Failed(error);
        if (!await numbers.AddAsync(new AccountNumber(msisdn!, country!, null, time.GetUtcNow()), cancellationToken))
            return Failed($"msisdn: {msisdn} is already one of the account's numbers");
        return Success();
    }

    private static async Task<IResult> CancelAsync(HttpContext http, INumberRepository numbers, AccountCredentials account, CancellationToken cancellationToken)
    {
        var (p, formError) = await ParametersAsync(http, cancellationToken);
        if (formError is not null) return Failed(formError);
        string? error = null;
        Country(p["country"], required: true, ref error);
        var msisdn = Msisdn(p["msisdn"], ref error);
        TargetApiKey(p, account, ref error);
        if (error is not null) return Failed(error);
        return await numbers.RemoveAsync(msisdn!, cancellationToken) ? Success() : Failed($"msisdn: {msisdn} is not one of the account's numbers");
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, INumberRepository numbers, IApplicationRepository applications, CancellationToken cancellationToken)
    {
        var (p, formError) = await ParametersAsync(http, cancellationToken);
        if (formError is not null) return Failed(formError);
        string? error = null;
        Country(p["country"], required: true, ref error);
        var msisdn = Msisdn(p["msisdn"], ref error);
        // app_id is how the SDKs link a number now; voiceCallbackType=app with voiceCallbackValue is the older form.
        string? applicationId = p["app_id"].ToString();
        var callbackType = p["voiceCallbackType"].ToString();
        if (applicationId.Length == 0 && callbackType.Length > 0)
        {
            if (callbackType != "app") error ??= $"voiceCallbackType: '{Short(callbackType)}' is not supported (only app: calls go to an application)";
            applicationId = p["voiceCallbackValue"].ToString();
        }
        if (applicationId.Length == 0) applicationId = null;
        if (error is not null) return Failed(error);
        if (applicationId is not null && await applications.FindAsync(applicationId, cancellationToken) is null)
            return Failed($"app_id: there is no application '{Short(applicationId)}'");
        // As the Numbers API's update sets the number's configuration as given, an update naming no application unlinks it.
        return await numbers.LinkAsync(msisdn!, applicationId, cancellationToken) ? Success() : Failed($"msisdn: {msisdn} is not one of the account's numbers");
    }

    /// <summary>The form's parameters, else the query string's; an unreadable or oversized form is an error.</summary>
    private static async Task<(IReadOnlyDictionary<string, StringValues> Parameters, string? Error)> ParametersAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var merged = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var (k, v) in http.Request.Query) merged[k] = v;
        if (http.Request.HasFormContentType)
        {
            try
            {
                var form = await new FormFeature(http.Request, Form).ReadFormAsync(cancellationToken);
                foreach (var (k, v) in form) merged[k] = v;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                return (merged, $"body: not a readable form ({e.Message})");
            }
        }
        else if (http.Request.ContentLength is > 0)
        {
            return (merged, $"Content-Type: '{Short(http.Request.ContentType ?? "")}' is not supported (send application/x-www-form-urlencoded)");
        }
        return (new ParameterView(merged), null);
    }

    private static string? Msisdn(StringValues value, ref string? error)
    {
        if (StringValues.IsNullOrEmpty(value))
        {
            error ??= "msisdn: is required";
            return null;
        }
        var digits = Legs.Sip.E164.Normalize(value.ToString(), out var reason);
        if (digits is null) error ??= $"msisdn: {reason}";
        return digits;
    }

    private static string? Country(StringValues value, bool required, ref string? error)
    {
        if (StringValues.IsNullOrEmpty(value))
        {
            if (required) error ??= "country: is required (ISO 3166-1 alpha-2, e.g. GB)";
            return null;
        }
        var text = value.ToString();
        if (text.Length != 2 || !text.All(char.IsAsciiLetter))
        {
            error ??= $"country: '{Short(text)}' is not an ISO 3166-1 alpha-2 code (e.g. GB)";
            return null;
        }
        return text.ToUpperInvariant();
    }

    private static void TargetApiKey(IReadOnlyDictionary<string, StringValues> p, AccountCredentials account, ref string? error)
    {
        if (p.TryGetValue("target_api_key", out var target) && !StringValues.IsNullOrEmpty(target) && target.ToString() != account.ApiKey)
            error ??= "target_api_key: subaccounts are not supported (the host has one account)";
    }

    private static int Int(StringValues value, string name, int fallback, int min, int max, ref string? error)
    {
        if (StringValues.IsNullOrEmpty(value)) return fallback;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        error ??= $"{name}: '{Short(value.ToString())}' must be a whole number from {min} to {max}";
        return fallback;
    }

    private static void Write(Utf8JsonWriter w, AccountNumber n)
    {
        w.WriteStartObject();
        w.WriteString("country", n.Country);
        w.WriteString("msisdn", n.Msisdn);
        w.WriteString("type", "landline");
        w.WriteStartArray("features");
        w.WriteStringValue("VOICE");
        w.WriteEndArray();
        if (n.ApplicationId is { } app)
        {
            w.WriteString("app_id", app);
            w.WriteString("voiceCallbackType", "app");
            w.WriteString("voiceCallbackValue", app);
        }
        w.WriteEndObject();
    }

    private static IResult Success() => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("error-code", "200");
        w.WriteString("error-code-label", "success");
        w.WriteEndObject();
    });

    private static IResult Failed(string label) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("error-code", "420");
        w.WriteString("error-code-label", label);
        w.WriteEndObject();
    }, 420);

    private static IResult Json(Action<Utf8JsonWriter> write, int status = 200)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return Results.Content(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan), "application/json", System.Text.Encoding.UTF8, status);
    }

    private static string Short(string value) => value.Length <= 64 ? value : value[..64] + "...";

    /// <summary>Missing keys read as empty, as <see cref="IQueryCollection"/> does.</summary>
    private sealed class ParameterView(Dictionary<string, StringValues> inner) : IReadOnlyDictionary<string, StringValues>
    {
        public StringValues this[string key] => inner.TryGetValue(key, out var v) ? v : StringValues.Empty;
        public IEnumerable<string> Keys => inner.Keys;
        public IEnumerable<StringValues> Values => inner.Values;
        public int Count => inner.Count;
        public bool ContainsKey(string key) => inner.ContainsKey(key);
        public bool TryGetValue(string key, out StringValues value) => inner.TryGetValue(key, out value);
        public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => inner.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
