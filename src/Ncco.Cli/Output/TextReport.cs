using Ncco.Validation;

namespace Ncco.Cli.Output;

/// <summary>
/// One line per finding, <c>file:pointer: reason</c> for an error and <c>file:pointer: warning: reason</c> for a
/// warning, in the style compilers use so editors can jump to it; findings about the whole document have no pointer
/// (<c>file: reason</c>). A summary line follows, counting warnings apart from errors.
/// </summary>
public static class TextReport
{
    /// <summary>Writes the report.</summary>
    public static void Write(IReadOnlyList<FileResult> results, TextWriter output)
    {
        foreach (var result in results)
        {
            foreach (var finding in result.Findings)
            {
                var message = finding.Severity == NccoSeverity.Warning ? "warning: " + finding.Message : finding.Message;
                output.WriteLine(finding.Pointer.Length == 0
                    ? $"{result.File}: {message}"
                    : $"{result.File}:{finding.Pointer}: {message}");
            }
        }
        var errorCount = results.Sum(r => r.Errors.Count);
        var warningCount = results.Sum(r => r.Warnings.Count);
        var warnings = warningCount == 0 ? string.Empty : ", " + Plural(warningCount, "warning");
        var invalid = results.Count(r => !r.IsValid);
        output.WriteLine(errorCount == 0
            ? $"{Plural(results.Count, "file")} valid{warnings}"
            : $"{Plural(errorCount, "error")} in {Plural(invalid, "file")} ({Plural(results.Count - invalid, "file")} valid){warnings}");
    }

    private static string Plural(int count, string noun) => count + " " + noun + (count == 1 ? string.Empty : "s");
}
