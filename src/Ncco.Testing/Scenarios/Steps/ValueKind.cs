namespace Ncco.Testing.Scenarios.Steps;

/// <summary>The kinds of value a step property takes; each has one reader (with its error messages) and one schema.</summary>
internal enum ValueKind
{
    /// <summary>Any scalar, taken as the text it is written as (<c>hear: 99 euros</c>, <c>say: yes</c>).</summary>
    Text,

    /// <summary>A phone number or user name (<c>447700900001</c>, quoted or not).</summary>
    Number,

    /// <summary>DTMF keys: 0-9, * and # (<c>press: 1</c>, <c>press: "123#"</c>).</summary>
    Keys,

    /// <summary>A party's name: a letter, then letters, digits, <c>_</c> or <c>-</c>.</summary>
    Name,

    /// <summary>A duration: <c>7s</c>, <c>500ms</c>, <c>2m</c>, <c>1m30s</c>, <c>1h</c>, or a number of seconds.</summary>
    Duration,

    /// <summary>A number between the property's bounds.</summary>
    Decimal,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A .NET regular expression.</summary>
    Pattern,

    /// <summary>A URL path on the app, starting with <c>/</c>.</summary>
    Path,

    /// <summary>An HTTP method: GET or POST.</summary>
    Method,

    /// <summary>Expected payload fields: a mapping of names (or dotted paths) to values, nested mappings or <c>{ regex: … }</c>.</summary>
    Fields,

    /// <summary>An absolute http(s) URL.</summary>
    Url,

    /// <summary>A path on the app, or a list of them.</summary>
    Paths,
}
