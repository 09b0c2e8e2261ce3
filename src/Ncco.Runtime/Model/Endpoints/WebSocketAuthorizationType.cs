namespace Ncco.Model;

/// <summary>How a WebSocket endpoint authenticates to the application (<c>authorization.type</c>).</summary>
public enum WebSocketAuthorizationType
{
    /// <summary><c>Authorization: Bearer</c> with the same JWT as signed webhooks.</summary>
    Vonage,

    /// <summary>The configured value is sent verbatim as the Authorization header.</summary>
    Custom,
}
