namespace Ncco.Model;

/// <summary>The HTTP method a webhook is sent with (<c>eventMethod</c>, <c>http_method</c>).</summary>
public enum WebhookMethod
{
    /// <summary>JSON body. The default for every event webhook.</summary>
    Post,

    /// <summary>Fields in the query string. The default for the answer webhook.</summary>
    Get,
}
