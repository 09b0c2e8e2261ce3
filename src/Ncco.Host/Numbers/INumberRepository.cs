namespace Ncco.Host.Numbers;

/// <summary>
/// Stores the numbers the host answers (<see cref="AccountNumber"/>). The SQLite implementation is the default; other
/// stores implement the same contract. Every change is visible to the next call that looks a number up.
/// </summary>
public interface INumberRepository
{
    /// <summary>Adds a number; false when it is already there (nothing changes).</summary>
    Task<bool> AddAsync(AccountNumber number, CancellationToken cancellationToken);

    /// <summary>The number (E.164 digits, no <c>+</c>), or null.</summary>
    Task<AccountNumber?> FindAsync(string msisdn, CancellationToken cancellationToken);

    /// <summary>One page of the numbers matching <paramref name="query"/>, in number order, and how many match in all.</summary>
    Task<(IReadOnlyList<AccountNumber> Items, int Total)> ListAsync(NumberQuery query, CancellationToken cancellationToken);

    /// <summary>Links the number to <paramref name="applicationId"/> (null unlinks it); false when there is no such number.</summary>
    Task<bool> LinkAsync(string msisdn, string? applicationId, CancellationToken cancellationToken);

    /// <summary>Removes a number; false when there is no such number.</summary>
    Task<bool> RemoveAsync(string msisdn, CancellationToken cancellationToken);
}
