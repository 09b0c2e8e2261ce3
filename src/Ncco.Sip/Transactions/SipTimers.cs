namespace Ncco.Sip.Transactions;

/// <summary>
/// The RFC 3261 timer base values (§17.1.1.1, table 4). Every transaction timer A–K is derived from these, so a test or a
/// high-latency deployment only has to change three numbers.
/// </summary>
public sealed record SipTimers
{
    /// <summary>Round-trip estimate; 500 ms by default.</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap on non-INVITE and response retransmission intervals; 4 s.</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How long a message may stay in the network; 5 s.</summary>
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Timer D: how long a client INVITE transaction absorbs final-response retransmissions over UDP (≥ 32 s).</summary>
    public TimeSpan TimerD { get; init; } = TimeSpan.FromSeconds(32);

    /// <summary>
    /// Longest time an INVITE server transaction waits for the application's final answer before this stack answers 408
    /// itself, so an application that forgets a call cannot leak the transaction (a proxy's Timer C is 3 minutes).
    /// </summary>
    public TimeSpan InviteServerLimit { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>64·T1: timers B, F, H, J, L, M.</summary>
    public TimeSpan SixtyFourT1 => T1 * 64;

    /// <summary>The defaults.</summary>
    public static SipTimers Default { get; } = new();
}
