namespace Ncco.Rules;

/// <summary>
/// What a finding of <see cref="NccoRuleChecker{TTree, TNode, TMember, TCursor}"/> is about: one per
/// <see cref="ErrorCodes">error code</see>, plus the finer cases the analyzers report with their own diagnostic
/// (<see cref="UrlNotArray"/>, <see cref="TalkStyle"/>). <see cref="ProblemCodes.Code"/> gives the wire code.
/// </summary>
internal enum Problem : byte
{
    NotAnArray,
    Empty,
    NotAnObject,
    MissingAction,
    UnknownAction,
    UnknownProperty,
    Duplicate,
    Required,
    Type,
    /// <summary>A <see cref="ErrorCodes.Type"/> error: a webhook URL given as a bare string instead of an array.</summary>
    UrlNotArray,
    Range,
    /// <summary>A <see cref="ErrorCodes.Range"/> error: the talk style does not exist for the language.</summary>
    TalkStyle,
    Enum,
    Format,
    Length,
    Conflict,
    Requires,
    BargeInSequence,
    Encoding,
}

/// <summary>The stable error code of each <see cref="Problem"/>.</summary>
internal static class ProblemCodes
{
    public static string Code(Problem problem) => problem switch
    {
        Problem.NotAnArray => ErrorCodes.NotAnArray,
        Problem.Empty => ErrorCodes.Empty,
        Problem.NotAnObject => ErrorCodes.NotAnObject,
        Problem.MissingAction => ErrorCodes.MissingAction,
        Problem.UnknownAction => ErrorCodes.UnknownAction,
        Problem.UnknownProperty => ErrorCodes.UnknownProperty,
        Problem.Duplicate => ErrorCodes.Duplicate,
        Problem.Required => ErrorCodes.Required,
        Problem.Type or Problem.UrlNotArray => ErrorCodes.Type,
        Problem.Range or Problem.TalkStyle => ErrorCodes.Range,
        Problem.Enum => ErrorCodes.Enum,
        Problem.Format => ErrorCodes.Format,
        Problem.Length => ErrorCodes.Length,
        Problem.Conflict => ErrorCodes.Conflict,
        Problem.Requires => ErrorCodes.Requires,
        Problem.BargeInSequence => ErrorCodes.BargeInSequence,
        _ => ErrorCodes.Encoding,
    };
}
