using System.Text;
using System.Text.Json;
using Ncco.Runtime.Tests.Equivalence;
using Ncco.Validation.Tokens;

namespace Ncco.Runtime.Tests.Validation;

/// <summary>
/// The tokenizer's fast scan against <see cref="Utf8JsonReader"/>, its reference: for every input, the same tokens
/// (where each value and name is, container sizes, subtree ends, flags) or the same <see cref="JsonException"/>.
/// </summary>
public class TokenScanTests
{
    public static TheoryData<string> Inputs => new(
        "[]", "{}", " [ ] ", "\r\n\t[\r\n\t]\r\n\t", "[[],{},[[]],{\"a\":{}}]",
        "[0,-0,1,-1,10,1.5,-1.5,1e3,1E3,1e+3,1e-3,1.25E-10,123456789012345678901234567890]",
        "[01]", "[1.]", "[.5]", "[-]", "[1e]", "[1e+]", "[+1]", "[1 2]", "[1,]", "[,1]", "[1}", "{\"a\":1]", "{\"a\" 1}",
        "{\"a\":1,}", "{\"a\"}", "{1:2}", "{\"a\":1 \"b\":2}", "[true,false,null]", "[tru]", "[nul]", "[truex]", "[True]",
        "[\"\"]", "[\"a\\\"b\"]", "[\"\\\\\\/\\b\\f\\n\\r\\t\"]", "[\"\\u00e9\\u00E9\"]", "[\"\\u00g9\"]", "[\"\\x\"]",
        "[\"\\ud800\"]", "[\"\\ud83d\\ude00\"]", "{\"\\u0061\":1}", "[\"a\u0001b\"]", "[\"a\tb\"]", "[\"unterminated]",
        "[\"é ü 日本\"]", "[1]x", "[1] [2]", "[1]  ", "", "   ", "1", "\"x\"", "[/*c*/1]", "[1]//c",
        "[{\"action\":\"talk\",\"text\":\"hi\",\"loop\":\"3\",\"level\":-0.5,\"bargeIn\":true}]",
        new string('[', 31) + new string(']', 31), new string('[', 32) + new string(']', 32), new string('[', 33) + new string(']', 33),
        new string('[', 64) + new string(']', 64), new string('[', 65) + new string(']', 65), new string('[', 40) + "1" + new string(']', 39));

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Scan_reads_what_the_reader_reads(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.Equal(Describe(bytes, NccoTokens.ReadByReader), Describe(bytes, NccoTokens.Read));
    }

    [Fact]
    public void Scan_reads_the_corpus_its_mutations_and_the_edge_cases_as_the_reader_does()
    {
        var cases = 0;
        foreach (var c in GoldenCases.All())
        {
            var bytes = c.Bytes ?? Encoding.UTF8.GetBytes(c.Text!);
            Assert.Equal(Describe(bytes, NccoTokens.ReadByReader), Describe(bytes, NccoTokens.Read));
            cases++;
        }
        Assert.True(cases > 1000, $"only {cases} cases");
    }

    [Fact]
    public void Strings_end_where_the_reader_ends_them_at_every_length_and_position()
    {
        // The scan finds a string's end 32 bytes at a time, then by the library's search: every length around those
        // blocks, with an escape, a control character, a quote or non-ASCII text at every position, and every alignment
        // against the end of the input.
        var cases = 0;
        foreach (var special in new[] { "\\n", "\\\"", "\\u00e9", "\u0001", "\u001f", "é", "日", "\u007f" })
        {
            for (var length = 0; length <= 70; length++)
            {
                for (var at = 0; at <= length; at += length < 40 ? 1 : 7)
                {
                    var text = new string('a', at) + special + new string('b', length - at);
                    foreach (var json in new[] { $"[\"{text}\"]", $"{{\"{text}\":1}}", $"[\"{text}\"   ]", $"[\"{text}" })
                    {
                        var bytes = Encoding.UTF8.GetBytes(json);
                        Assert.Equal(Describe(bytes, NccoTokens.ReadByReader), Describe(bytes, NccoTokens.Read));
                        cases++;
                    }
                }
            }
        }
        Assert.True(cases > 10_000, $"only {cases} cases");
    }

    [Fact]
    public void Invalid_utf8_is_left_to_the_reader()
    {
        byte[] bytes = [.. "[\"a"u8, 0xFF, .. "b\",\"\\ud800\"]"u8];
        var reference = Describe(bytes, NccoTokens.ReadByReader);
        Assert.Equal(reference, Describe(bytes, NccoTokens.Read));
        Assert.Contains("ill-formed", reference, StringComparison.Ordinal);
    }

    private static string Describe(byte[] bytes, Func<ReadOnlyMemory<byte>, NccoTokens> read)
    {
        try
        {
            using var tokens = read(bytes);
            var text = new StringBuilder().Append(tokens.AllTextWellFormed ? "well-formed" : "ill-formed").Append(' ').Append(tokens.Count).AppendLine();
            for (var i = 0; i < tokens.Count; i++)
            {
                var t = tokens.Tokens[i];
                text.Append(i).Append(": ").Append(t.Kind).Append(' ').Append(t.Flags).Append(" start ").Append(t.Start).Append(" length ").Append(t.Length)
                    .Append(" next ").Append(t.Next).Append(" count ").Append(t.Count).Append(" names ").Append(t.Names.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).AppendLine();
            }
            return text.ToString();
        }
        catch (JsonException e)
        {
            return "error: " + e.Message;
        }
    }
}
