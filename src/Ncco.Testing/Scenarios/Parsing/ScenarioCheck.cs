namespace Ncco.Testing.Scenarios.Parsing;

/// <summary>
/// What the loader knows about a scenario while it reads the steps in order: the parties named so far (so a step can
/// only refer to a party that exists by then) and the errors found.
/// </summary>
internal sealed class ScenarioCheck(List<ScenarioError> errors)
{
    private readonly Dictionary<string, (bool Outbound, SourceLocation At)> _parties = new(StringComparer.Ordinal);
    private int _callers;
    private int _callees;

    /// <summary>The first caller dialled in: the party a step acts on when it names none.</summary>
    public string? FirstCaller { get; private set; }

    /// <summary>The latest outbound call expected: the party <c>answer</c>, <c>busy</c>… act on when they name none.</summary>
    public string? LastCallee { get; private set; }

    public void Error(SourceLocation at, string message) => errors.Add(new ScenarioError(at, message));

    /// <summary>A <c>dial</c>: its <c>as</c>, or <c>caller</c>, <c>caller2</c>…</summary>
    public string DefineCaller(string? name, SourceLocation at)
    {
        _callers++;
        var resolved = Define(name ?? (_callers == 1 ? "caller" : "caller" + _callers), outbound: false, at);
        FirstCaller ??= resolved;
        return resolved;
    }

    /// <summary>An <c>expect_call</c>: its <c>as</c>, or <c>callee</c>, <c>callee2</c>…</summary>
    public string DefineCallee(string? name, SourceLocation at)
    {
        _callees++;
        return LastCallee = Define(name ?? (_callees == 1 ? "callee" : "callee" + _callees), outbound: true, at);
    }

    private string Define(string name, bool outbound, SourceLocation at)
    {
        if (_parties.TryGetValue(name, out var earlier))
        {
            Error(at, $"there is already a party named '{name}' (line {earlier.At.Line}); give this one another name with 'as:'");
        }
        else
        {
            _parties[name] = (outbound, at);
        }
        return name;
    }

    /// <summary>The party a caller-side step acts on: <paramref name="name"/>, else the first caller. Null (and an error) when there is none.</summary>
    public string? Party(string step, string? name, SourceLocation at)
    {
        if (name is not null) return Known(name, at) ? name : null;
        if (FirstCaller is not null) return FirstCaller;
        Error(at, $"'{step}' needs a call to act on: start the scenario with a 'dial' step");
        return null;
    }

    /// <summary>The party an outbound-only step (<c>answer</c>, <c>busy</c>…) acts on: <paramref name="name"/>, else the latest expected call.</summary>
    public string? Callee(string step, string? name, SourceLocation at)
    {
        if (name is null)
        {
            if (LastCallee is not null) return LastCallee;
            Error(at, $"'{step}' is what a party the app called does: add an 'expect_call' step before it");
            return null;
        }
        if (!Known(name, at)) return null;
        if (_parties[name].Outbound) return name;
        Error(at, $"'{step}' is for a party the app called (expect_call), but '{name}' dialled in");
        return null;
    }

    private bool Known(string name, SourceLocation at)
    {
        if (_parties.ContainsKey(name)) return true;
        Error(at, _parties.Count == 0
            ? $"no party named '{name}': no call was dialled or expected before this step"
            : $"no party named '{name}' (the parties so far: {string.Join(", ", _parties.Keys)})");
        return false;
    }
}
