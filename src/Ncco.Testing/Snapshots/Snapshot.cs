using System.Runtime.CompilerServices;

namespace Ncco.Testing.Snapshots;

/// <summary>Thrown when a snapshot does not match its approved file.</summary>
public sealed class SnapshotMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SnapshotMismatchException(string message) : base(message)
    {
    }
}

/// <summary>
/// Approved-transcript snapshots kept beside the test file: <c>&lt;TestFile&gt;.&lt;name&gt;.approved.txt</c>.
/// A mismatch (or a missing approved file) writes <c>.received.txt</c> next to it and fails with a diff; set the
/// environment variable <c>NCCO_ACCEPT_SNAPSHOTS=1</c> to accept received output as approved.
/// </summary>
public static class Snapshot
{
    /// <summary>Compares <paramref name="actual"/> with the approved snapshot <paramref name="name"/>.</summary>
    public static void Match(string actual, string name, [CallerFilePath] string testFile = "")
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var dir = Path.GetDirectoryName(testFile) ?? ".";
        var stem = Path.Combine(dir, Path.GetFileNameWithoutExtension(testFile) + "." + name);
        var approvedPath = stem + ".approved.txt";
        var receivedPath = stem + ".received.txt";
        var normalized = Normalize(actual);
        var accept = Environment.GetEnvironmentVariable("NCCO_ACCEPT_SNAPSHOTS") == "1";
        if (File.Exists(approvedPath) && Normalize(File.ReadAllText(approvedPath)) == normalized)
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }
        if (accept)
        {
            File.WriteAllText(approvedPath, normalized);
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, normalized);
        if (!File.Exists(approvedPath))
            throw new SnapshotMismatchException($"No approved snapshot '{approvedPath}'. Received output written to '{receivedPath}'; review it and rename it to .approved.txt (or run with NCCO_ACCEPT_SNAPSHOTS=1).\n\n{normalized}");
        throw new SnapshotMismatchException($"Snapshot '{name}' differs from '{approvedPath}' (received: '{receivedPath}'):\n{Diff(Normalize(File.ReadAllText(approvedPath)), normalized)}");
    }

    private static string Normalize(string s) => s.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";

    private static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var lines = new List<string>();
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var x = i < e.Length ? e[i] : null;
            var y = i < a.Length ? a[i] : null;
            if (x == y) continue;
            if (x is not null) lines.Add($"  line {i + 1} approved: {x}");
            if (y is not null) lines.Add($"  line {i + 1} received: {y}");
            if (lines.Count > 40) break;
        }
        return string.Join('\n', lines);
    }
}
