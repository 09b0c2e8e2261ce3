namespace Ncco.Testing.Scenarios;

/// <summary>A place in a scenario file: the file as it was named to the loader, and the 1-based line and column.</summary>
/// <param name="File">The file's path as given (relative paths stay relative, so messages are short and clickable).</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public sealed record SourceLocation(string File, int Line, int Column)
{
    /// <summary><c>file:line:column</c>, the form compilers and editors recognise.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
