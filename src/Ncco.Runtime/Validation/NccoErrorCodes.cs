using Ncco.Rules;

namespace Ncco.Validation;

/// <summary>
/// The stable codes of <see cref="NccoError.Code"/>, for tools that act on validation errors. Messages may improve over
/// time; codes do not change. The analyzers map each to a diagnostic id.
/// </summary>
public static class NccoErrorCodes
{
    /// <summary>The text is not JSON.</summary>
    public const string InvalidJson = ErrorCodes.InvalidJson;

    /// <summary>The NCCO is not a JSON array.</summary>
    public const string NotAnArray = ErrorCodes.NotAnArray;

    /// <summary>The NCCO has no actions.</summary>
    public const string Empty = ErrorCodes.Empty;

    /// <summary>An action or an endpoint is not a JSON object.</summary>
    public const string NotAnObject = ErrorCodes.NotAnObject;

    /// <summary>An action has no <c>action</c> name.</summary>
    public const string MissingAction = ErrorCodes.MissingAction;

    /// <summary>The action name is not one the platform (or a registered custom handler) knows.</summary>
    public const string UnknownAction = ErrorCodes.UnknownAction;

    /// <summary>A property the action or object does not define.</summary>
    public const string UnknownProperty = ErrorCodes.UnknownProperty;

    /// <summary>A property is given twice (two spellings, or a repeated JSON member), or an array item repeats.</summary>
    public const string Duplicate = ErrorCodes.Duplicate;

    /// <summary>A required property is missing.</summary>
    public const string Required = ErrorCodes.Required;

    /// <summary>A value has the wrong JSON type.</summary>
    public const string Type = ErrorCodes.Type;

    /// <summary>A number is out of its documented range (whole numbers also out of the 32-bit range).</summary>
    public const string Range = ErrorCodes.Range;

    /// <summary>A value is not one of the allowed values.</summary>
    public const string Enum = ErrorCodes.Enum;

    /// <summary>A string does not follow its syntax (URL, E.164, SIP URI, language…).</summary>
    public const string Format = ErrorCodes.Format;

    /// <summary>A string or array is too long or too short.</summary>
    public const string Length = ErrorCodes.Length;

    /// <summary>Two options cannot be used together.</summary>
    public const string Conflict = ErrorCodes.Conflict;

    /// <summary>An option needs another option (or value) that is missing.</summary>
    public const string Requires = ErrorCodes.Requires;

    /// <summary>A talk/stream with <c>bargeIn</c> is not followed by an <c>input</c>.</summary>
    public const string BargeInSequence = ErrorCodes.BargeInSequence;

    /// <summary>A string or property name is not valid Unicode (invalid UTF-8 bytes, or an escaped unpaired surrogate such as <c>\ud800</c>).</summary>
    public const string Encoding = ErrorCodes.Encoding;
}
