namespace Ncco.Model.Actions;

/// <summary>
/// An action the platform does not define, kept as raw JSON. It is only accepted when the validator was told
/// about the name (see <c>NccoValidationOptions.CustomActions</c>), and runs through a handler registered
/// under the same name.
/// </summary>
/// <param name="ActionName">The wire name.</param>
/// <param name="Json">The whole action object.</param>
public sealed record CustomAction(string ActionName, JsonValue Json) : NccoAction
{
    /// <inheritdoc />
    public override string Name => ActionName;
}
