namespace Ncco.Model.Actions;

/// <summary>Pauses the NCCO.</summary>
public sealed record WaitAction : NccoAction
{
    /// <summary>The documented default for <see cref="Timeout"/>, in seconds.</summary>
    public const double DefaultTimeout = 10;

    /// <inheritdoc />
    public override string Name => ActionNames.Wait;

    /// <summary>Seconds to wait (0.1–7200). Default 10.</summary>
    public double Timeout { get; init; } = DefaultTimeout;
}
