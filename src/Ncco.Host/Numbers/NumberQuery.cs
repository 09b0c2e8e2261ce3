namespace Ncco.Host.Numbers;

/// <summary>What <see cref="INumberRepository.ListAsync"/> returns: the Numbers API's owned-number filters.</summary>
/// <param name="Country">Only numbers of this country (upper case), or all.</param>
/// <param name="ApplicationId">Only numbers linked to this application, or all.</param>
/// <param name="HasApplication">true: only linked numbers; false: only unlinked ones; null: both.</param>
/// <param name="Pattern">Digits the number must start with, contain or end with (see <paramref name="SearchPattern"/>), or null.</param>
/// <param name="SearchPattern">0 = starts with, 1 = contains, 2 = ends with (the Numbers API's <c>search_pattern</c>).</param>
/// <param name="Offset">How many matching numbers to skip.</param>
/// <param name="Limit">The most numbers to return.</param>
public sealed record NumberQuery(string? Country, string? ApplicationId, bool? HasApplication, string? Pattern, int SearchPattern, int Offset, int Limit);
