namespace Ncco.Host.Operations;

/// <summary>
/// How the host ends calls when it stops, bound from <c>Ncco:Shutdown</c> (for example
/// <c>Ncco__Shutdown__DrainTimeout=00:02:00</c> or <c>--Ncco:Shutdown:DrainTimeout=00:02:00</c>).
/// </summary>
public sealed class ShutdownOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Ncco:Shutdown";

    /// <summary>
    /// Time the host allows for what follows the drain (hanging up the remaining legs and stopping the server), added
    /// to <see cref="DrainTimeout"/> to make the host's own shutdown timeout.
    /// </summary>
    public static readonly TimeSpan HangupBudget = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long calls in progress may carry on after the host was asked to stop, before the rest are hung up. New
    /// calls are refused from the first moment. Default 30 s; zero hangs up at once.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
