namespace Ncco.Validation;

/// <summary>One thing wrong with an NCCO.</summary>
/// <param name="Pointer">RFC 6901 JSON pointer to the offending value (<c>/2/eventUrl</c>); empty for the whole document.</param>
/// <param name="Code">A stable code from <see cref="NccoErrorCodes"/>.</param>
/// <param name="Message">The reason, written for a person.</param>
/// <param name="Severity">An error rejects the NCCO; a warning (an unknown property, ignored) does not.</param>
public sealed record NccoError(string Pointer, string Code, string Message, NccoSeverity Severity = NccoSeverity.Error)
{
    /// <summary><c>pointer: message</c>, or just the message for the whole document.</summary>
    public override string ToString() => Pointer.Length == 0 ? Message : Pointer + ": " + Message;
}
