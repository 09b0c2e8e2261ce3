using Microsoft.CodeAnalysis.Text;
using Ncco.Analyzers.Json;
using Ncco.Analyzers.Model;
using Ncco.Validation;

namespace Ncco.Analyzers.Tests;

/// <summary>
/// The runtime validator and the analyzers' interpreter of the rule table must find the same problems — same JSON
/// pointers, same reasons — in every NCCO of <c>tests/corpus/ncco</c>.
/// </summary>
public class CorpusParityTests
{
    private static readonly InterpreterOptions Rules = new(partial: false, lint: false, customActions: []);

    public static TheoryData<string> Files { get; } = new(CorpusFiles());

    [Theory]
    [MemberData(nameof(Files))]
    public void Runtime_validator_and_analyzer_interpreter_agree(string file)
    {
        var text = File.ReadAllText(Path.Combine(CorpusDirectory, file));
        var runtime = NccoValidator.Validate(text);

        var root = JsonSpanParser.Parse(text, (start, end) => TextSpan.FromBounds(start, end), out var syntaxError);
        if (root is null)
        {
            Assert.True(runtime is [{ Code: "invalid-json" }],
                $"the analyzer's JSON parser rejects {file} ({syntaxError!.Message}) but the runtime reports [{string.Join("; ", runtime)}]");
            return;
        }

        var analyzer = NccoInterpreter.ValidateDocument(root, Rules).Select(f => f.Text).Order(StringComparer.Ordinal);
        Assert.Equal(runtime.Select(e => e.ToString()).Order(StringComparer.Ordinal), analyzer);
    }

    [Fact]
    public void The_corpus_is_there()
    {
        Assert.True(CorpusFiles().Count() >= 150, "tests/corpus/ncco holds the parity cases");
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
