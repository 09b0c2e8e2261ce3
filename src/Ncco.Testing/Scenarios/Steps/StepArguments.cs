using System.Text.RegularExpressions;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary>A step's checked values, by property name, with where each was written; and the party names the checks resolved.</summary>
internal sealed class StepArguments
{
    private readonly Dictionary<string, (object Value, SourceLocation At)> _values = new(StringComparer.Ordinal);

    /// <summary>The party the step acts on or waits for, resolved by the scenario checks (a default applied).</summary>
    public string? Party { get; set; }

    /// <summary>The party a step names besides its own (<c>hear.said_by</c>).</summary>
    public string? OtherParty { get; set; }

    public void Set(string name, object value, SourceLocation at) => _values[name] = (value, at);

    public bool Has(string name) => _values.ContainsKey(name);

    public SourceLocation? At(string name) => _values.TryGetValue(name, out var v) ? v.At : null;

    public string? Text(string name) => _values.TryGetValue(name, out var v) ? (string)v.Value : null;

    public TimeSpan? Duration(string name) => _values.TryGetValue(name, out var v) ? (TimeSpan)v.Value : null;

    public double? Decimal(string name) => _values.TryGetValue(name, out var v) ? (double)v.Value : null;

    public bool? Boolean(string name) => _values.TryGetValue(name, out var v) ? (bool)v.Value : null;

    public Regex? Pattern(string name) => _values.TryGetValue(name, out var v) ? (Regex)v.Value : null;

    public FieldExpectation? Fields(string name) => _values.TryGetValue(name, out var v) ? (FieldExpectation)v.Value : null;
}
