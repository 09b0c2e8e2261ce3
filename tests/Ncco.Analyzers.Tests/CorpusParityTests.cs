using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Ncco.Analyzers.Analyzers;
using Ncco.Analyzers.Json;
using Ncco.Analyzers.Model;
using Ncco.Analyzers.Tests.Verification;
using Ncco.Validation;

namespace Ncco.Analyzers.Tests;

/// <summary>
/// The runtime validator and the analyzers must report the same problems — same JSON pointers, same codes, same
/// reasons — for every NCCO of <c>tests/corpus/ncco</c>: one rule checker serves both, and these tests keep it so.
/// </summary>
public class CorpusParityTests
{
    private static readonly CheckOptions Rules = new(partial: false, lint: false, customActions: []);

    public static TheoryData<string> Files { get; } = new(CorpusFiles());

    [Theory]
    [MemberData(nameof(Files))]
    public void Runtime_validator_and_analyzer_checker_agree(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(CorpusDirectory, file));
        var runtime = NccoValidator.Validate(bytes);
        if (!TryDecode(bytes, out var text))
        {
            // Invalid UTF-8 cannot be C# source: only the runtime sees such bytes, and must name the bad string.
            Assert.Contains(runtime, e => e.Code == NccoErrorCodes.Encoding && e.Pointer.Length > 0);
            return;
        }

        var root = JsonSpanParser.Parse(text, (start, end) => TextSpan.FromBounds(start, end), out var syntaxError);
        if (root is null)
        {
            Assert.True(runtime is [{ Code: NccoErrorCodes.InvalidJson }],
                $"the analyzer's JSON parser rejects {file} ({syntaxError!.Message}) but the runtime reports [{string.Join("; ", runtime)}]");
            return;
        }

        var analyzer = SourceRules.ValidateDocument(root, Rules).Select(f => $"{f.Code} {f.Text}").Order(StringComparer.Ordinal);
        Assert.Equal(runtime.Select(e => $"{e.Code} {e}").Order(StringComparer.Ordinal), analyzer);
    }

    [Fact]
    public void Json_literal_analyzer_reports_what_the_runtime_validator_reports_for_every_corpus_file()
    {
        // Every corpus NCCO as a raw string literal passed to NccoValidator.Validate, in one compilation.
        var source = new StringBuilder("using Ncco.Validation;\npublic static class Corpus\n{\n");
        var literals = new List<(string File, TextSpan Span, IReadOnlyList<NccoError> Runtime)>();
        var skipped = 0;
        foreach (var file in CorpusFiles())
        {
            var bytes = File.ReadAllBytes(Path.Combine(CorpusDirectory, file));
            if (!TryDecode(bytes, out var text))
            {
                skipped++;
                continue;
            }
            var quotes = new string('"', Math.Max(3, LongestQuoteRun(text) + 1));
            source.Append("    public static object M").Append(literals.Count).Append("() => NccoValidator.Validate(\n");
            var start = source.Length;
            source.Append(quotes).Append('\n').Append(text.TrimEnd('\n', '\r')).Append('\n').Append(quotes);
            literals.Add((file, TextSpan.FromBounds(start, source.Length), NccoValidator.Validate(bytes)));
            source.Append(");\n");
        }
        source.Append("}\n");
        Assert.True(skipped <= 2, $"{skipped} corpus files are not UTF-8 text; expected only the invalid-UTF-8 cases");

        var compilation = Verify.Compile(source.ToString());
        var diagnostics = Verify.Run(compilation, [new NccoJsonLiteralAnalyzer()])
            .Where(d => d.Properties.ContainsKey(Reporting.CodeProperty))
            .ToList();

        var problems = new List<string>();
        foreach (var (file, span, runtime) in literals)
        {
            var analyzer = diagnostics
                .Where(d => span.Contains(d.Location.SourceSpan))
                .Select(d => $"{d.Properties[Reporting.PointerProperty]} {d.Properties[Reporting.CodeProperty]}")
                .Order(StringComparer.Ordinal).ToArray();
            var expected = runtime.Select(e => $"{e.Pointer} {e.Code}").Order(StringComparer.Ordinal).ToArray();
            if (!analyzer.SequenceEqual(expected))
            {
                problems.Add($"{file}: runtime [{string.Join(", ", expected)}], analyzer [{string.Join(", ", analyzer)}]");
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} corpus file(s) where the JSON literal analyzer and the runtime disagree:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_corpus_is_there()
    {
        Assert.True(CorpusFiles().Count() >= 150, "tests/corpus/ncco holds the parity cases");
    }

    private static bool TryDecode(byte[] bytes, out string text)
    {
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static int LongestQuoteRun(string text)
    {
        int longest = 0, run = 0;
        foreach (var c in text)
        {
            run = c == '"' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        return longest;
    }

    private static string CorpusDirectory => Path.Combine(FindRoot(), "tests", "corpus", "ncco");

    private static IEnumerable<string> CorpusFiles() =>
        new[] { "valid", "invalid" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(CorpusDirectory, folder), "*.json").Select(f => folder + "/" + Path.GetFileName(f)))
            .Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ncco.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Ncco.sln not found above " + AppContext.BaseDirectory);
    }
}
