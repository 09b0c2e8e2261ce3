namespace Ncco.Scheduling;

/// <summary>Thrown when VM state is touched concurrently from two threads (a bug in the host, not the NCCO).</summary>
public sealed class VmConcurrencyException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public VmConcurrencyException(string message) : base(message)
    {
    }
}
