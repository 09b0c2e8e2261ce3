namespace Ncco.Analyzers.Model;

/// <summary>How strictly to check a value tree.</summary>
internal sealed class CheckOptions
{
    public static readonly CheckOptions Document = new(partial: false, lint: true, customActions: []);

    public CheckOptions(bool partial, bool lint, string[] customActions)
    {
        Partial = partial;
        Lint = lint;
        CustomActions = customActions;
    }

    /// <summary>
    /// The tree holds only some members (made up from constant builder arguments): missing members are not errors
    /// and unknown-property checks are off.
    /// </summary>
    public bool Partial { get; }

    /// <summary>Also report the analyzer-only flow hints (unreachable after transfer, no eventUrl).</summary>
    public bool Lint { get; }

    /// <summary>Custom action names accepted without checks (<c>ncco_custom_actions</c> in .editorconfig).</summary>
    public string[] CustomActions { get; }
}
