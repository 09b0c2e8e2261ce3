namespace Ncco.Cli.Output;

/// <summary>
/// One line per error, <c>file:pointer: reason</c>, in the style compilers use so editors can jump to it;
/// errors about the whole document have no pointer (<c>file: reason</c>). A summary line follows.
/// </summary>
public static class TextReport
{
    /// <summary>Writes the report.</summary>
    public static void Write(IReadOnlyList<FileResult> results, TextWriter output)
    {
        var errorCount = 0;
        foreach (var result in results)
        {
            foreach (var error in result.Errors)
            {
                output.WriteLine(error.Pointer.Length == 0
                    ? $"{result.File}: {error.Message}"
                    : $"{result.File}:{error.Pointer}: {error.Message}");
                errorCount++;
            }
        }
        var invalid = results.Count(r => r.Errors.Count > 0);
        output.WriteLine(errorCount == 0
            ? $"{Plural(results.Count, "file")} valid"
            : $"{Plural(errorCount, "error")} in {Plural(invalid, "file")} ({Plural(results.Count - invalid, "file")} valid)");
    }

    private static string Plural(int count, string noun) => count + " " + noun + (count == 1 ? string.Empty : "s");
}
