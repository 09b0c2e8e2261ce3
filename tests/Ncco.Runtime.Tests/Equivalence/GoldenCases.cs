using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Equivalence;

/// <summary>
/// The inputs of the parser snapshot and the canonical text of what a parser makes of each: for bytes, the validator's
/// findings and the parse result under the default, strict and custom-action options, and (when the bytes are JSON) the
/// <see cref="JsonElement"/> entry points; for text, the parse result under the default and strict options. A result is
/// every error and warning in order (severity, pointer, code, message) and the model (<see cref="ModelText"/>), each
/// distinct model written once per case. Characters outside printable ASCII are written as <c>\uXXXX</c> so the file
/// survives any editor and lone surrogates stay visible.
/// </summary>
internal static class GoldenCases
{
    /// <summary>How many seeded mutations of each corpus file are recorded: the first ones of the same per-file seeded
    /// sequence the equivalence test used against the old reader, enough to keep every mutation kind covered while the
    /// snapshot stays under 2 MB (all 40 would make it about 8 MB).</summary>
    public const int MutationsPerFile = 8;

    private static readonly NccoValidationOptions Strict = new() { Strict = true };
    private static readonly NccoValidationOptions Custom = new() { CustomActions = new HashSet<string>(StringComparer.Ordinal) { "custom", "dial" } };

    /// <summary>One input: bytes, text, or both.</summary>
    public sealed record Case(string Name, byte[]? Bytes, string? Text);

    public static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "corpus");

    public static IReadOnlyList<string> CorpusFiles { get; } =
        Directory.GetFiles(CorpusDirectory, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(CorpusDirectory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Every case, in file order.</summary>
    public static IEnumerable<Case> All()
    {
        foreach (var file in CorpusFiles)
        {
            foreach (var c in Corpus(file)) yield return c;
        }
        for (var i = 0; i < EdgeCases.Length; i++) yield return new Case($"edge {i}", Encoding.UTF8.GetBytes(EdgeCases[i]), EdgeCases[i]);
        foreach (var bad in InvalidUtf8)
        {
            for (var t = 0; t < Utf8Templates.Length; t++)
            {
                var template = Utf8Templates[t];
                var at = template.IndexOf('@', StringComparison.Ordinal);
                var bytes = Encoding.UTF8.GetBytes(template[..at]).Concat(bad).Concat(Encoding.UTF8.GetBytes(template[(at + 1)..])).ToArray();
                yield return new Case($"utf8 {Convert.ToHexString(bad)} template {t}", bytes, null);
            }
        }
        for (var i = 0; i < LoneSurrogateTexts.Length; i++) yield return new Case($"surrogate {i}", null, LoneSurrogateTexts[i]);
    }

    /// <summary>The corpus file itself, then its seeded mutations.</summary>
    public static IEnumerable<Case> Corpus(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(CorpusDirectory, file));
        yield return new Case($"corpus {file}", bytes, null);
        var random = new Random(StableHash(file));
        for (var i = 0; i < MutationsPerFile; i++) yield return new Case($"corpus {file} mutation {i}", Mutate(bytes, random), null);
    }

    /// <summary>The canonical text of everything <paramref name="paths"/> makes of <paramref name="c"/>.</summary>
    public static string Describe(Case c, ParserPaths paths)
    {
        var text = new CaseText();
        if (c.Bytes is { } bytes)
        {
            text.Inputs.Add($"input sha256 {Convert.ToHexString(SHA256.HashData(bytes))[..16]}, {bytes.Length} bytes");
            foreach (var (name, options) in new[] { ("default", (NccoValidationOptions?)null), ("strict", Strict), ("custom", Custom) })
            {
                text.Add($"bytes {name} validate", $"findings {text.Findings(paths.ValidateBytes(bytes, options))}");
                text.Result($"bytes {name} parse", paths.ParseBytes(bytes, options));
            }
            JsonDocument? document = null;
            try
            {
                document = JsonDocument.Parse(bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsMemory(3) : bytes);
            }
            catch (JsonException)
            {
                // Not JSON: the element entry points do not apply.
            }
            if (document is not null)
            {
                using (document)
                {
                    text.Result("element default parse", paths.ParseElement(document.RootElement));
                    text.Add("element strict validate", $"errors {text.Findings(paths.StrictElementErrors(document.RootElement))}");
                }
            }
        }
        if (c.Text is { } input)
        {
            text.Inputs.Add($"text sha256 {Convert.ToHexString(SHA256.HashData(Encoding.Unicode.GetBytes(input)))[..16]}, {input.Length} chars");
            foreach (var (name, options) in new[] { ("default", (NccoValidationOptions?)null), ("strict", Strict) })
            {
                text.Result($"text {name} parse", paths.ParseText(input, options));
            }
        }
        return Escape(text.ToString());
    }

    /// <summary>
    /// One case's lines: the input's hash, a line per distinct outcome listing the entry points that gave it (models and
    /// finding lists by number), then each distinct finding list and model once. Most entry points agree, so this keeps
    /// the snapshot small and makes a disagreement stand out.
    /// </summary>
    private sealed class CaseText
    {
        private readonly List<string> _models = [];
        private readonly List<string> _findings = [];
        private readonly List<(string Outcome, List<string> EntryPoints)> _outcomes = [];

        public List<string> Inputs { get; } = [];

        public void Result(string what, NccoParseResult result) =>
            Add(what, $"{(result.Document is null ? "no model" : $"model {Index(_models, ModelText.Of(result.Document))}")}, errors {Findings(result.Errors)}, warnings {Findings(result.Warnings)}");

        public void Add(string entryPoint, string outcome)
        {
            var at = _outcomes.FindIndex(o => o.Outcome == outcome);
            if (at >= 0) _outcomes[at].EntryPoints.Add(entryPoint);
            else _outcomes.Add((outcome, [entryPoint]));
        }

        /// <summary>The number of this list of findings (severity, pointer, code, message, in order), or <c>none</c>.</summary>
        public string Findings(IEnumerable<NccoError> findings)
        {
            var lines = findings.Select(f => $"  {f.Severity} {f.Pointer} {f.Code} {f.Message}").ToList();
            return lines.Count == 0 ? "none" : $"#{Index(_findings, string.Join('\n', lines))}";
        }

        public override string ToString()
        {
            var all = new List<string>(Inputs);
            all.AddRange(_outcomes.Select(o => $"{string.Join(", ", o.EntryPoints)}: {o.Outcome}"));
            for (var i = 0; i < _findings.Count; i++) all.Add($"findings #{i}:\n{_findings[i]}");
            for (var i = 0; i < _models.Count; i++) all.Add($"model {i}: {_models[i]}");
            return string.Join('\n', all);
        }

        private static int Index(List<string> distinct, string text)
        {
            var index = distinct.IndexOf(text);
            if (index >= 0) return index;
            distinct.Add(text);
            return distinct.Count - 1;
        }
    }

    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            if (ch == '\n' || ch is >= ' ' and <= '~') escaped.Append(ch);
            else escaped.Append("\\u").Append(((int)ch).ToString("X4", CultureInfo.InvariantCulture));
        }
        return escaped.ToString();
    }

    private static readonly string[] EdgeCases =
    [
        """[{"action":"talk","text":"caf\u00e9 \ud83d\ude00"}]""",
        """[{"action":"talk","text":"\ud800"}]""",
        """[{"action":"talk","te\u0078t":"escaped name"}]""",
        """[{"action":"talk","t\ud800ext":"bad name"}]""",
        """[{"action":"t\u0061lk","text":"escaped action name"}]""",
        """[{"action":"notify","payload":{"k\ud800":"\udc00"},"eventUrl":["https://example.com/n"]}]""",
        """[{"action":"custom","anything":{"deep":["\ud800"]}}]""",
        """[{"action":"custom","anything":{"deep":[1,true,null,"x"]}}]""",
        """[{"action":"dial","number":"1"}]""",
        """[{"action":"input","type":["dtmf","dtmf"],"eventUrl":["https://example.com/i"]}]""",
        """[{"action":"input","type":["dtm\u0066","speech"],"speech":{"language":"en-\u0047B"},"eventUrl":["https://example.com/i"]}]""",
        """[{"action":"talk","text":"a","bargeIn":"true"},{"action":"talk","text":"b"}]""",
        """[{"action":"stream","streamUrl":["https://example.com/a.mp3"],"loop":"3","level":"-0.5","bargeIn":"false"}]""",
        """[{"action":"stream","streamUrl":["https://example.com/a.mp3"],"loop":1e3,"level":1e400}]""",
        """[{"action":"wait","timeout":5.0},{"action":"wait","timeout":"5"},{"action":"wait","timeout":-0}]""",
        """[{"action":"connect","endpoint":[{"type":"sip","uri":"sip:a@b.c","headers":{"X":"1","X":"2"},"standard_headers":{"User-to-User":"ab"}}]}]""",
        """[{"action":"connect","endpoint":[{"type":"websocket","uri":"wss://e.com/s","contentType":"audio/l16;rate=8000","headers":{"a":[1,{"b":null}]},"authorization":{"type":"custom","value":"v"}}]}]""",
        """[{"action":"talk","text":"hi","text":"again"}]""",
        """[{"action":"talk","text":"hi","voice_name":"Amy","bargein":true}]""",
        """[{"action":"talk","text":"hi","voiceName":"Amy"}]""",
        """{"action":"talk","text":"not an array"}""",
        """[]""",
        """[{"action":"talk","text":"hi",]""",
        """[{"action":"talk","text":"hi"}] trailing""",
        """[{"action":"talk","text":"hi"}""",
        "",
        "   ",
        new string('[', 64) + new string(']', 64),
        new string('[', 65) + new string(']', 65),
        new string('[', 68) + new string(']', 68),
        "\uFEFF[{\"action\":\"talk\",\"text\":\"after a byte order mark\"}]",
    ];

    private static readonly byte[][] InvalidUtf8 = [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xE2, 0x82]];

    private static readonly string[] Utf8Templates =
    [
        """[{"action":"talk","text":"a@b"}]""",
        """[{"action":"talk","text":"a","@":1}]""",
        """[{"action":"@"}]""",
        """[{"action":"notify","payload":{"@":"@"},"eventUrl":["https://example.com/n"]}]""",
        """[{"action":"custom","x":"@"}]""",
    ];

    private static readonly string[] LoneSurrogateTexts =
    [
        "[{\"action\":\"talk\",\"text\":\"a\uD800b\"}]",
        "[{\"action\":\"talk\",\"text\":\"a\",\"\uDC00\":1}]",
        "[{\"action\":\"custom\",\"x\":[\"\uD83D\"]}]",
    ];

    /// <summary>One seeded change at the byte level: JSON-significant bytes, bad UTF-8, escapes, cut or repeated spans.</summary>
    private static byte[] Mutate(byte[] source, Random random)
    {
        byte[][] inserts =
        [
            "\""u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(),
            "\\"u8.ToArray(), "\\u0041"u8.ToArray(), "\\ud800"u8.ToArray(), "\\udc00"u8.ToArray(), "\\n"u8.ToArray(), "0"u8.ToArray(),
            "-1"u8.ToArray(), "1e999"u8.ToArray(), "true"u8.ToArray(), "null"u8.ToArray(), "\"x\""u8.ToArray(), "é"u8.ToArray(),
            [0xFF], [0xC3], [0xED, 0xA0, 0x80], "~/"u8.ToArray(), " "u8.ToArray(),
        ];
        var bytes = new List<byte>(source);
        var changes = 1 + random.Next(2);
        for (var c = 0; c < changes && bytes.Count > 0; c++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes.RemoveAt(at);
                    break;
                case 1:
                    bytes.InsertRange(at, inserts[random.Next(inserts.Length)]);
                    break;
                case 2:
                    bytes[at] = inserts[random.Next(inserts.Length)][0];
                    break;
                case 3:
                    var length = Math.Min(bytes.Count - at, 1 + random.Next(24));
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default:
                    // Flip the case of a letter: a near-miss name or value.
                    if (bytes[at] is >= (byte)'a' and <= (byte)'z') bytes[at] -= 32;
                    else if (bytes[at] is >= (byte)'A' and <= (byte)'Z') bytes[at] += 32;
                    break;
            }
        }
        return bytes.ToArray();
    }

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text) hash = unchecked(hash * 31 + c);
        return hash;
    }
}
