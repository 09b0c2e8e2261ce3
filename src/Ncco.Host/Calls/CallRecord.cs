namespace Ncco.Host.Calls;

/// <summary>
/// One call leg as the REST API reports it (<c>GET /v1/calls/{uuid}</c>) and as it is stored. Immutable: the host
/// replaces the record at every status change.
/// </summary>
/// <param name="Uuid">The leg uuid.</param>
/// <param name="ApplicationId">The application that owns the leg.</param>
/// <param name="ConversationUuid">The leg's current conversation.</param>
/// <param name="Direction"><c>inbound</c> or <c>outbound</c>.</param>
/// <param name="Status">The last status (<c>started</c> … <c>completed</c>).</param>
/// <param name="To">Who was called.</param>
/// <param name="CreatedAt">When the leg was created (orders lists, filters <c>date_start</c>/<c>date_end</c>).</param>
public sealed record CallRecord(
    string Uuid, string ApplicationId, string ConversationUuid, string Direction, string Status, CallParty To, DateTimeOffset CreatedAt)
{
    /// <summary>The caller, when known.</summary>
    public CallParty? From { get; init; }

    /// <summary>When the leg was answered.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>When the leg ended.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>True once the leg is over (its status is final).</summary>
    public bool IsEnded => EndTime is not null;
}

/// <summary>
/// A party of a call as the REST API writes it: <c>{"type":"phone","number":"447700900000"}</c>,
/// <c>{"type":"websocket","uri":"wss://…"}</c>, <c>{"type":"app","user":"alice"}</c>, <c>{"type":"vbc","extension":"123"}</c>.
/// </summary>
/// <param name="Type">Endpoint type.</param>
/// <param name="Key">The field that names the party (<c>number</c>, <c>uri</c>, <c>user</c>, <c>extension</c>).</param>
/// <param name="Value">Its value.</param>
public sealed record CallParty(string Type, string Key, string Value)
{
    /// <summary>The party for an endpoint <paramref name="type"/> and destination <paramref name="value"/>.</summary>
    public static CallParty Of(string type, string value) => new(type, type switch
    {
        "websocket" or "sip" => "uri",
        "app" => "user",
        "vbc" => "extension",
        _ => "number",
    }, value);
}
