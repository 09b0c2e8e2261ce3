namespace Ncco.Schema;

/// <summary>
/// A rule the validator enforces that the generated JSON Schema cannot express (or can express only approximately).
/// Every limit is listed in the schema's top-level <c>$comment</c> as <c>[id] description</c>.
/// </summary>
/// <param name="Id">A stable identifier, for example <c>bargein-sequence</c>; corpus expectations refer to it.</param>
/// <param name="Description">What the schema does not check, and why.</param>
public sealed record NccoSchemaLimit(string Id, string Description);
