namespace Ncco.Sip.Transactions;

/// <summary>Bounds on live transactions so one flooding source cannot exhaust the stack.</summary>
public sealed record TransactionLimits
{
    /// <summary>
    /// Most server transactions from one IP address still waiting for their final response (answered ones that only
    /// linger to absorb retransmissions do not count).
    /// </summary>
    public int MaxServerTransactionsPerSource { get; init; } = 256;

    /// <summary>Most live transactions of all kinds.</summary>
    public int MaxTransactions { get; init; } = 20_000;

    /// <summary>The defaults.</summary>
    public static TransactionLimits Default { get; } = new();
}
