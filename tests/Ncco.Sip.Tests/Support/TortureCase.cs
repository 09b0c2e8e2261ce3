using System.Text;

namespace Ncco.Sip.Tests.Support;

/// <summary>
/// One message from TestData/torture. The file starts with '#' metadata lines (expect, answer, about, raw) and a '---' line;
/// the message follows. Lines become CRLF unless 'raw: true'; {{LEN}} is replaced by the real body length. An invalid
/// request is answered with the expected status unless 'answer: none (why)' says it cannot be.
/// </summary>
public sealed record TortureCase(string Name, string Expect, byte[] Bytes)
{
    /// <summary>False when the file says the message cannot be answered (it is dropped and counted).</summary>
    public bool Answered { get; init; } = true;

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "torture");

    public static TortureCase Load(string name)
    {
        var text = File.ReadAllText(Path.Combine(Directory, name + ".sip")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var split = text.IndexOf("\n---\n", StringComparison.Ordinal);
        var meta = text[..split].Split('\n');
        var message = text[(split + 5)..];
        var expect = meta.First(l => l.StartsWith("# expect:", StringComparison.Ordinal))["# expect:".Length..].Trim();
        var raw = meta.Any(l => l.Trim() == "# raw: true");
        if (!raw)
        {
            message = message.Replace("\n", "\r\n", StringComparison.Ordinal);
        }
        var blank = raw ? "\n\n" : "\r\n\r\n";
        var bodyStart = message.IndexOf(blank, StringComparison.Ordinal);
        if (bodyStart >= 0 && message.Contains("{{LEN}}", StringComparison.Ordinal))
        {
            var body = message[(bodyStart + blank.Length)..];
            message = message.Replace("{{LEN}}", Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
        var answered = !meta.Any(l => l.StartsWith("# answer: none", StringComparison.Ordinal));
        return new TortureCase(name, expect, Encoding.UTF8.GetBytes(message)) { Answered = answered };
    }

    public static IEnumerable<object[]> Named(string prefix) =>
        System.IO.Directory.GetFiles(Directory, prefix + "*.sip").Select(f => new object[] { Path.GetFileNameWithoutExtension(f) }).OrderBy(o => (string)o[0]);
}
