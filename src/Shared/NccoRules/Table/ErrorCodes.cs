namespace Ncco.Rules;

/// <summary>
/// Stable machine-readable codes of validation errors. The analyzers map each to a diagnostic id; tools may
/// rely on them. Messages may improve over time; codes do not change.
/// </summary>
internal static class ErrorCodes
{
    /// <summary>The text is not JSON.</summary>
    public const string InvalidJson = "invalid-json";
    /// <summary>The NCCO is not a JSON array.</summary>
    public const string NotAnArray = "not-an-array";
    /// <summary>The NCCO has no actions.</summary>
    public const string Empty = "empty";
    /// <summary>An action or nested value is not a JSON object.</summary>
    public const string NotAnObject = "not-an-object";
    /// <summary>An action has no <c>action</c> name.</summary>
    public const string MissingAction = "missing-action";
    /// <summary>The action name is not one the platform (or a registered custom handler) knows.</summary>
    public const string UnknownAction = "unknown-action";
    /// <summary>A property the action or object does not define.</summary>
    public const string UnknownProperty = "unknown-property";
    /// <summary>Two spellings of the same property are both present.</summary>
    public const string Duplicate = "duplicate-property";
    /// <summary>A required property is missing.</summary>
    public const string Required = "required";
    /// <summary>A value has the wrong JSON type.</summary>
    public const string Type = "type";
    /// <summary>A number is out of its documented range.</summary>
    public const string Range = "range";
    /// <summary>A value is not one of the allowed values.</summary>
    public const string Enum = "enum";
    /// <summary>A string does not follow its syntax (URL, E.164, SIP URI, language…).</summary>
    public const string Format = "format";
    /// <summary>A string or array is too long or too short.</summary>
    public const string Length = "length";
    /// <summary>Two options cannot be used together.</summary>
    public const string Conflict = "conflict";
    /// <summary>An option needs another option (or value) that is missing.</summary>
    public const string Requires = "requires";
    /// <summary>A talk/stream with <c>bargeIn</c> is not followed by an <c>input</c>.</summary>
    public const string BargeInSequence = "bargein-sequence";
    /// <summary>
    /// A string or property name is not valid Unicode text: invalid UTF-8 bytes, or an escaped unpaired surrogate
    /// (<c>"\ud800"</c>). JSON parsers accept both inside strings; nothing downstream can read them.
    /// </summary>
    public const string Encoding = "encoding";
}
