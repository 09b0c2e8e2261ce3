using Ncco.Model.Actions;

namespace Ncco;

public sealed partial class NccoBuilder
{
    /// <summary>Pauses the NCCO for <paramref name="seconds"/> (0.1–7200; the wire's <c>timeout</c>).</summary>
    public NccoBuilder Wait(double seconds = WaitAction.DefaultTimeout) => Add(new WaitAction { Timeout = seconds });
}
