namespace Ncco.Testing.Scenarios.Steps;

/// <summary>One property a step takes in its long form (<c>say: { text: sales, confidence: 0.6 }</c>).</summary>
/// <param name="Name">The key, in snake_case.</param>
/// <param name="Kind">What values it takes.</param>
/// <param name="Description">One sentence for the schema (editors show it) and the README.</param>
internal sealed record StepProperty(string Name, ValueKind Kind, string Description)
{
    /// <summary>The step cannot do without it.</summary>
    public bool Required { get; init; }

    /// <summary>Inclusive lower bound for <see cref="ValueKind.Decimal"/>.</summary>
    public double? Minimum { get; init; }

    /// <summary>Inclusive upper bound for <see cref="ValueKind.Decimal"/>.</summary>
    public double? Maximum { get; init; }

    /// <summary>The default, for the schema and the docs.</summary>
    public object? Default { get; init; }

    /// <summary>The only values a text property takes (the schema's <c>enum</c>); null: any text.</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }

    /// <summary>The <c>party</c> property every party step has.</summary>
    public static StepProperty Party(string description) => new("party", ValueKind.Name, description);

    /// <summary>The <c>within</c> property of expectations.</summary>
    public static StepProperty Within { get; } = new("within", ValueKind.Duration,
        "How long (virtual time) to wait for it before failing; default: the scenario's timeout (10m unless set).");
}
