namespace Ncco.Rules;

/// <summary>
/// The answer to a question about a value that may not be known (the analyzers see C# variables, not just
/// constants): a check reports only on <see cref="True"/> or <see cref="False"/>, never on <see cref="Unknown"/>.
/// </summary>
internal enum Tri : byte
{
    False,
    True,
    Unknown,
    /// <summary>The value cannot be read as the kind asked for (a boolean that is the string "yes").</summary>
    Invalid,
}
