using System.Text;
using System.Text.Json;
using Ncco.Serialization;
using Ncco.Validation;
using Old = Ncco.Runtime.Tests.Equivalence.OldPath.NccoParser;

namespace Ncco.Runtime.Tests.Equivalence;

/// <summary>
/// The single-pass parser (one tokenizing pass over the UTF-8 bytes, the shared rule checker over those tokens, the model
/// bound from them, issue 19) against the path it replaced (a <see cref="JsonDocument"/>, the same checker over its
/// elements, then a second walk to bind; kept in <c>OldPath/</c> as the oracle): for every corpus NCCO, valid and
/// invalid, and for seeded byte-level mutations of each (broken JSON, bad UTF-8, escapes, surrogates, repeated and
/// misspelled names, wrong kinds), both produce the same model, the same errors and warnings in the same order — same
/// pointer, code, message and severity — through every entry point (bytes, text, <see cref="JsonElement"/>, strict).
/// </summary>
public class SinglePassEquivalenceTests
{
    private static readonly NccoValidationOptions Strict = new() { Strict = true };
    private static readonly NccoValidationOptions Custom = new() { CustomActions = new HashSet<string>(StringComparer.Ordinal) { "custom", "dial" } };

    public static TheoryData<string> CorpusFiles => new(
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "corpus"), "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "corpus"), f))
            .Order(StringComparer.Ordinal));

    [Fact]
    public void Corpus_is_there()
    {
        Assert.True(CorpusFiles.Count > 300, $"the corpus has {CorpusFiles.Count} files");
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Corpus_file_and_its_mutations_parse_the_same_on_both_paths(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", file));
        AssertSame(bytes, file);
        var random = new Random(StableHash(file));
        for (var i = 0; i < 40; i++)
        {
            var mutated = Mutate(bytes, random);
            AssertSame(mutated, $"{file} mutation {i}: {Encoding.UTF8.GetString(mutated)}");
        }
    }

    [Theory]
    [InlineData("""[{"action":"talk","text":"caf\u00e9 \ud83d\ude00"}]""")]
    [InlineData("""[{"action":"talk","text":"\ud800"}]""")]
    [InlineData("""[{"action":"talk","te\u0078t":"escaped name"}]""")]
    [InlineData("""[{"action":"talk","t\ud800ext":"bad name"}]""")]
    [InlineData("""[{"action":"t\u0061lk","text":"escaped action name"}]""")]
    [InlineData("""[{"action":"notify","payload":{"k\ud800":"\udc00"},"eventUrl":["https://example.com/n"]}]""")]
    [InlineData("""[{"action":"custom","anything":{"deep":["\ud800"]}}]""")]
    [InlineData("""[{"action":"custom","anything":{"deep":[1,true,null,"x"]}}]""")]
    [InlineData("""[{"action":"dial","number":"1"}]""")]
    [InlineData("""[{"action":"input","type":["dtmf","dtmf"],"eventUrl":["https://example.com/i"]}]""")]
    [InlineData("""[{"action":"input","type":["dtm\u0066","speech"],"speech":{"language":"en-\u0047B"},"eventUrl":["https://example.com/i"]}]""")]
    [InlineData("""[{"action":"talk","text":"a","bargeIn":"true"},{"action":"talk","text":"b"}]""")]
    [InlineData("""[{"action":"stream","streamUrl":["https://example.com/a.mp3"],"loop":"3","level":"-0.5","bargeIn":"false"}]""")]
    [InlineData("""[{"action":"stream","streamUrl":["https://example.com/a.mp3"],"loop":1e3,"level":1e400}]""")]
    [InlineData("""[{"action":"wait","timeout":5.0},{"action":"wait","timeout":"5"},{"action":"wait","timeout":-0}]""")]
    [InlineData("""[{"action":"connect","endpoint":[{"type":"sip","uri":"sip:a@b.c","headers":{"X":"1","X":"2"},"standard_headers":{"User-to-User":"ab"}}]}]""")]
    [InlineData("""[{"action":"connect","endpoint":[{"type":"websocket","uri":"wss://e.com/s","contentType":"audio/l16;rate=8000","headers":{"a":[1,{"b":null}]},"authorization":{"type":"custom","value":"v"}}]}]""")]
    [InlineData("""[{"action":"talk","text":"hi","text":"again"}]""")]
    [InlineData("""[{"action":"talk","text":"hi","voice_name":"Amy","bargein":true}]""")]
    [InlineData("""[{"action":"talk","text":"hi","voiceName":"Amy"}]""")]
    [InlineData("""{"action":"talk","text":"not an array"}""")]
    [InlineData("""[]""")]
    [InlineData("""[{"action":"talk","text":"hi",]""")]
    [InlineData("""[{"action":"talk","text":"hi"}] trailing""")]
    [InlineData("""[{"action":"talk","text":"hi"}""")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("""[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]""")]
    [InlineData("\uFEFF[{\"action\":\"talk\",\"text\":\"after a byte order mark\"}]")]
    public void Edge_cases_parse_the_same_on_both_paths(string json)
    {
        AssertSame(Encoding.UTF8.GetBytes(json), json);
        AssertSameText(json);
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    public void Invalid_utf8_parses_the_same_on_both_paths(byte[] bad)
    {
        foreach (var template in new[] { """[{"action":"talk","text":"a@b"}]""", """[{"action":"talk","text":"a","@":1}]""", """[{"action":"@"}]""",
                     """[{"action":"notify","payload":{"@":"@"},"eventUrl":["https://example.com/n"]}]""", """[{"action":"custom","x":"@"}]""" })
        {
            var at = template.IndexOf('@');
            var bytes = Encoding.UTF8.GetBytes(template[..at]).Concat(bad).Concat(Encoding.UTF8.GetBytes(template[(at + 1)..])).ToArray();
            AssertSame(bytes, template);
        }
    }

    [Fact]
    public void Lone_surrogates_in_dotnet_strings_parse_the_same_on_both_paths()
    {
        AssertSameText("[{\"action\":\"talk\",\"text\":\"a\uD800b\"}]");
        AssertSameText("[{\"action\":\"talk\",\"text\":\"a\",\"\uDC00\":1}]");
        AssertSameText("[{\"action\":\"custom\",\"x\":[\"\uD83D\"]}]");
    }

    private static void AssertSame(byte[] bytes, string what)
    {
        foreach (var options in new[] { null, Strict, Custom })
        {
            Assert.Equal(Describe(Old.Validate(bytes, options)), Describe(NccoValidator.Validate(bytes, options)));
            AssertSameResult(Old.Parse(bytes, options), NccoParser.Parse(bytes, options), what);
        }

        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(bytes.AsMemory().Span.StartsWith("\uFEFF"u8) ? bytes.AsMemory(3) : bytes);
        }
        catch (JsonException)
        {
            // not JSON: the element entry points do not apply
        }
        if (document is null) return;
        using (document)
        {
            AssertSameResult(Old.Parse(document.RootElement), NccoParser.Parse(document.RootElement), what);
            Assert.Equal(Describe(Old.Parse(document.RootElement, Strict).Errors), Describe(NccoValidator.Validate(document.RootElement, Strict).Where(e => e.Severity == NccoSeverity.Error).ToList()));
        }
    }

    private static void AssertSameText(string json)
    {
        foreach (var options in new[] { null, Strict })
        {
            AssertSameResult(Old.Parse(json, options), NccoParser.Parse(json, options), json);
        }
    }

    private static void AssertSameResult(NccoParseResult old, NccoParseResult now, string what)
    {
        Assert.Equal(Describe(old.Errors), Describe(now.Errors));
        Assert.Equal(Describe(old.Warnings), Describe(now.Warnings));
        Assert.True(Equals(old.Document, now.Document), $"the models differ for {what}");
    }

    private static List<string> Describe(IEnumerable<NccoError> findings) =>
        findings.Select(f => $"{f.Severity} {f.Pointer} {f.Code} {f.Message}").ToList();

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
