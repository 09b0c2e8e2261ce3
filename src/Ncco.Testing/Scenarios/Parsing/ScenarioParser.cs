using System.Text.RegularExpressions;
using Ncco.Testing.Scenarios.Steps;
using Ncco.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Ncco.Testing.Scenarios.Parsing;

/// <summary>Reads one scenario file's text into scenarios, collecting every error with its place.</summary>
internal sealed partial class ScenarioParser(string text, string path)
{
    /// <summary>Deepest nesting read: a scenario is a few levels deep, and reading is recursive.</summary>
    public const int MaxDepth = 32;

    private readonly List<ScenarioError> _errors = [];
    private readonly string[] _lines = text.Split('\n');

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ", RegexOptions.CultureInvariant)]
    private static partial Regex MarkPrefix();

    public ScenarioFile Parse()
    {
        if (!Scan()) return new ScenarioFile(path, [], _errors);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            Error(e.Start, Clean(e));
            return new ScenarioFile(path, [], _errors);
        }
        var documents = stream.Documents.Where(d => !IsNull(d.RootNode)).ToList();
        if (documents.Count == 0)
        {
            _errors.Add(new ScenarioError(new SourceLocation(path, 1, 1), "the file has no scenario in it: a scenario is a mapping with 'name:' and 'steps:'"));
            return new ScenarioFile(path, [], _errors);
        }
        var scenarios = new List<Scenario>();
        for (var i = 0; i < documents.Count; i++)
        {
            if (ReadScenario(documents[i].RootNode, i + 1, documents.Count) is { } scenario) scenarios.Add(scenario);
        }
        return new ScenarioFile(path, scenarios, _errors);
    }

    // Before building nodes: YAML syntax, nesting depth, anchors and aliases, keys that are not plain names and
    // duplicate keys — each with its place, where the node builder would stop at the first (or recurse without bound).
    private bool Scan()
    {
        var frames = new Stack<Frame>();
        try
        {
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                if (e is NodeEvent or AnchorAlias)
                {
                    if (e is AnchorAlias) Error(e.Start, "aliases (*name) are not supported in scenario files: write the value out");
                    else if (!((NodeEvent)e).Anchor.IsEmpty) Error(e.Start, "anchors (&name) are not supported in scenario files: write the value out");
                    if (frames.TryPeek(out var top) && top.Keys is not null)
                    {
                        if (top.NextIsKey)
                        {
                            if (e is not Scalar key) Error(e.Start, "a key must be a plain name, not a list or mapping");
                            else if (!top.Keys.TryAdd(key.Value, key.Start.Line)) Error(e.Start, $"'{key.Value}' appears twice in the same mapping (first on line {top.Keys[key.Value]})");
                        }
                        top.NextIsKey = !top.NextIsKey;
                    }
                    if (e is MappingStart or SequenceStart)
                    {
                        if (frames.Count >= MaxDepth)
                        {
                            Error(e.Start, $"the file nests more than {MaxDepth} levels deep");
                            return false;
                        }
                        frames.Push(new Frame(e is MappingStart ? new Dictionary<string, long>(StringComparer.Ordinal) : null));
                    }
                }
                else if (e is MappingEnd or SequenceEnd)
                {
                    frames.Pop();
                }
            }
        }
        catch (YamlException e)
        {
            Error(e.Start, Clean(e));
        }
        return _errors.Count == 0;
    }

    private sealed class Frame(Dictionary<string, long>? keys)
    {
        public Dictionary<string, long>? Keys { get; } = keys;

        public bool NextIsKey { get; set; } = true;
    }

    private static string Clean(YamlException e)
    {
        var message = MarkPrefix().Replace(e.Message, "");
        if (e.InnerException is { } inner && !message.Contains(inner.Message, StringComparison.Ordinal)) message += ": " + MarkPrefix().Replace(inner.Message, "");
        return "YAML syntax: " + message;
    }

    private Scenario? ReadScenario(YamlNode root, int index, int count)
    {
        var defaultName = Path.GetFileNameWithoutExtension(path) + (count > 1 ? $" #{index}" : "");
        if (root is not YamlMappingNode map)
        {
            Error(root, $"a scenario is a mapping with 'name:' and 'steps:', not {YamlScalars.Describe(root)}");
            return null;
        }
        var check = new ScenarioCheck(_errors);
        var reader = new ValueReader(Locate, check);
        string? name = null, description = null;
        TimeSpan? timeout = null;
        var app = new ScenarioApp();
        YamlSequenceNode? steps = null;
        var stepsSeen = false;
        foreach (var (keyNode, value) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            switch (key)
            {
                case "name":
                    name = reader.Read("", ScenarioKeys.Name, value) as string;
                    break;
                case "description":
                    description = reader.Read("", ScenarioKeys.Description, value) as string;
                    break;
                case "timeout":
                    timeout = reader.Read("", ScenarioKeys.Timeout, value) as TimeSpan?;
                    break;
                case "app":
                    app = ReadApp(value, reader);
                    break;
                case "steps":
                    stepsSeen = true;
                    if (value is YamlSequenceNode s) steps = s;
                    else Error(value, $"'steps' must be a list of steps, each on its own line starting with '- ', not {YamlScalars.Describe(value)}");
                    break;
                default:
                    Error(keyNode, $"unknown key '{key}' in a scenario{Suggestions.DidYouMean(key, TopLevel)}; a scenario has {string.Join(", ", TopLevel)}");
                    break;
            }
        }
        if (!stepsSeen) Error(map, "the scenario has no 'steps:'");
        else if (steps is { Children.Count: 0 }) Error(steps, "'steps' is empty: a scenario needs at least one step");
        var read = new List<ScenarioStep>();
        foreach (var node in steps?.Children ?? [])
        {
            if (ReadStep(node, check, reader) is { } step) read.Add(step);
        }
        return new Scenario(name ?? defaultName, description, Locate(map), app, timeout, read);
    }

    private static readonly string[] TopLevel = ["name", "description", "app", "timeout", "steps"];

    private ScenarioApp ReadApp(YamlNode node, ValueReader reader)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, $"'app' must be a mapping such as {{ answer_url: /webhooks/answer }}, not {YamlScalars.Describe(node)}");
            return new ScenarioApp();
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        Uri? publicUrl = null;
        string[]? allowed = null;
        foreach (var (keyNode, value) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            var property = ScenarioKeys.App.FirstOrDefault(p => p.Name == key);
            if (property is null)
            {
                var names = ScenarioKeys.App.Select(p => p.Name).ToList();
                Error(keyNode, $"unknown key '{key}' in 'app'{Suggestions.DidYouMean(key, names)}; 'app' has {string.Join(", ", names)}");
                continue;
            }
            switch (reader.Read("app", property, value))
            {
                case string s:
                    values[key] = s;
                    break;
                case Uri uri:
                    publicUrl = uri;
                    break;
                case string[] paths:
                    allowed = paths;
                    break;
            }
        }
        static WebhookMethod? Method(string? m) => m is null ? null : Enum.Parse<WebhookMethod>(m, ignoreCase: true);
        return new ScenarioApp
        {
            AnswerUrl = values.GetValueOrDefault("answer_url"),
            AnswerMethod = Method(values.GetValueOrDefault("answer_method")),
            EventUrl = values.GetValueOrDefault("event_url"),
            EventMethod = Method(values.GetValueOrDefault("event_method")),
            FallbackUrl = values.GetValueOrDefault("fallback_url"),
            FallbackMethod = Method(values.GetValueOrDefault("fallback_method")),
            PublicUrl = publicUrl,
            AllowedWebhookErrors = allowed,
        };
    }

    private ScenarioStep? ReadStep(YamlNode node, ScenarioCheck check, ValueReader reader)
    {
        var at = Locate(node);
        string stepName;
        YamlNode? value;
        switch (node)
        {
            case YamlScalarNode s when YamlScalars.TypeOf(s) == ScalarType.String:
                stepName = s.Value ?? "";
                value = null;
                break;
            case YamlMappingNode { Children.Count: 1 } m:
                stepName = ((YamlScalarNode)m.Children.Keys.Single()).Value ?? "";
                value = m.Children.Values.Single();
                break;
            case YamlMappingNode { Children.Count: 0 }:
                Error(node, "an empty step: write the step's name and value, e.g. '- press: 1'");
                return null;
            case YamlMappingNode m:
                Error(node, $"a step has one name, but this one has {m.Children.Count}: {string.Join(", ", m.Children.Keys.Select(k => ((YamlScalarNode)k).Value))} — start each step on its own line with '- '");
                return null;
            default:
                Error(node, $"a step is a name ('- hang_up') or a name and a value ('- press: 1'), not {YamlScalars.Describe(node)}");
                return null;
        }
        var definition = StepCatalog.Find(stepName);
        if (definition is null)
        {
            Error(node, $"unknown step '{stepName}'{Suggestions.DidYouMeanStep(stepName, StepCatalog.Names)}; the steps are {string.Join(", ", StepCatalog.Names)}");
            return null;
        }
        var errorsBefore = _errors.Count;
        var arguments = new StepArguments();
        if (value is null || IsNull(value))
        {
            if (!definition.Bare) Error(node, $"'{stepName}' needs a value, e.g. '{definition.Example}'");
        }
        else if (value is YamlScalarNode)
        {
            if (definition.Shorthand is { } shorthand)
            {
                var property = definition.Properties.Single(p => p.Name == shorthand);
                if (reader.Read(stepName, property, value, shorthand: true) is { } v) arguments.Set(shorthand, v, Locate(value));
            }
            else
            {
                Error(value, $"'{stepName}' takes a mapping of {string.Join(", ", definition.Properties.Select(p => p.Name))}, e.g. '{definition.Example}'");
            }
        }
        else if (value is YamlMappingNode properties)
        {
            foreach (var (keyNode, propertyValue) in properties.Children)
            {
                var key = ((YamlScalarNode)keyNode).Value ?? "";
                var property = definition.Properties.FirstOrDefault(p => p.Name == key);
                if (property is null)
                {
                    var names = definition.Properties.Select(p => p.Name).ToList();
                    Error(keyNode, $"'{stepName}' has no property '{key}'{Suggestions.DidYouMean(key, names)}; it takes {string.Join(", ", names)}");
                    continue;
                }
                if (reader.Read(stepName, property, propertyValue) is { } v) arguments.Set(key, v, Locate(propertyValue));
            }
            foreach (var missing in definition.Properties.Where(p => p.Required && !properties.Children.Keys.Any(k => ((YamlScalarNode)k).Value == p.Name)))
            {
                Error(value, $"'{stepName}' needs '{missing.Name}:'");
            }
        }
        else
        {
            Error(value, $"'{stepName}' takes a value or a mapping of its properties, not a list");
        }
        // A step that could not be read is not checked further (its errors would only echo the first one), except that
        // the parties dial and expect_call name still exist for the steps after them.
        if (_errors.Count > errorsBefore && definition is not (DialStep or ExpectCallStep)) return null;
        definition.Check(arguments, at, check);
        return _errors.Count > errorsBefore ? null : new ScenarioStep(definition, at, arguments, SourceLine(at.Line));
    }

    private static bool IsNull(YamlNode node) => node is YamlScalarNode s && YamlScalars.TypeOf(s) == ScalarType.Null;

    private string SourceLine(int line)
    {
        var s = line - 1 < _lines.Length ? _lines[line - 1].Trim().TrimStart('-').Trim() : "";
        return s.Length <= 120 ? s : s[..120] + "…";
    }

    private SourceLocation Locate(YamlNode node) => new(path, (int)node.Start.Line, (int)node.Start.Column);

    private void Error(YamlNode node, string message) => _errors.Add(new ScenarioError(Locate(node), message));

    private void Error(Mark mark, string message) => _errors.Add(new ScenarioError(new SourceLocation(path, (int)mark.Line, (int)mark.Column), message));
}
