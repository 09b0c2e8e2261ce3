using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios;

/// <summary>
/// Reads scenario files (YAML, see the "Scenario files" section of the README; JSON Schema:
/// <c>schemas/ncco-scenario.schema.json</c>). Every mistake is reported with its line and column and a reason — YAML
/// syntax, an unknown step (with "did you mean"), a value of the wrong type, a party that does not exist — and loading
/// goes on past the first, so one run shows them all.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>Largest scenario file read (1 MiB): a scenario is a page of steps, and a bigger file is a mistake.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>The extensions of scenario files when a directory is searched.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".yaml", ".yml"];

    /// <summary>Reads and checks the file at <paramref name="path"/>. An unreadable file throws (<see cref="IOException"/>,
    /// <see cref="UnauthorizedAccessException"/>); a malformed one is returned with its errors.</summary>
    public static ScenarioFile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        if (stream.Length > MaxFileBytes) return TooLarge(path, stream.Length);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return Parse(bytes, path);
    }

    /// <summary>Checks a scenario file's bytes (UTF-8, with or without a byte order mark); <paramref name="path"/> names it in errors.</summary>
    public static ScenarioFile Parse(ReadOnlySpan<byte> bytes, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (bytes.Length > MaxFileBytes) return TooLarge(path, bytes.Length);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        var chars = new char[bytes.Length];
        var status = Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            var line = bytes[..read].Count((byte)'\n') + 1;
            var column = read - (bytes[..read].LastIndexOf((byte)'\n') + 1) + 1;
            return new ScenarioFile(path, [], [new ScenarioError(new SourceLocation(path, line, column), $"the file is not valid UTF-8 (byte 0x{bytes[read]:X2} at offset {read})")]);
        }
        return Parse(new string(chars, 0, written), path);
    }

    /// <summary>Checks a scenario file's text; <paramref name="path"/> names it in errors.</summary>
    public static ScenarioFile Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        if (Encoding.UTF8.GetByteCount(text) > MaxFileBytes) return TooLarge(path, Encoding.UTF8.GetByteCount(text));
        return new ScenarioParser(text, path).Parse();
    }

    /// <summary>
    /// The scenario files a path stands for: a file is itself; a directory is every <c>*.yaml</c> / <c>*.yml</c> file in
    /// it and its subdirectories, in ordinal order of their paths (the same on every machine).
    /// </summary>
    public static IReadOnlyList<string> Find(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Directory.Exists(path)) return [path];
        var files = Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System })
            .Where(f => Extensions.Contains(System.IO.Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static ScenarioFile TooLarge(string path, long length) =>
        new(path, [], [new ScenarioError(new SourceLocation(path, 1, 1), $"the file is {length} bytes; a scenario file is at most {MaxFileBytes} bytes (1 MiB)")]);
}
