using System.Text.Json.Serialization;

namespace Ncco.Host.Errors;

/// <summary>
/// The error body of the Vonage APIs (RFC 7807 shape): <c>type</c> is a link to the error's documentation,
/// <c>instance</c> a trace id, <c>invalid_parameters</c> names each bad field of a request.
/// </summary>
/// <param name="Type">A documentation URL ending in <c>#&lt;key&gt;</c>.</param>
/// <param name="Title">A short summary.</param>
/// <param name="Detail">What was wrong, for a person.</param>
/// <param name="Instance">The request's trace id.</param>
public sealed record VonageError(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("instance")] string Instance)
{
    /// <summary>One entry per bad field; absent when the error is not about fields.</summary>
    [JsonPropertyName("invalid_parameters")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<InvalidParameter>? InvalidParameters { get; init; }
}

/// <summary>A request field that failed validation.</summary>
/// <param name="Name">The field, dotted for nested ones (<c>capabilities.voice.webhooks.answer_url.http_method</c>).</param>
/// <param name="Reason">Why it is invalid.</param>
public sealed record InvalidParameter(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("reason")] string Reason);
