namespace Ncco.Host.Numbers;

/// <summary>
/// A number the host answers (the Numbers API's "owned number"): calls to it go to <see cref="ApplicationId"/>'s
/// answer webhook. "Buying" a number adds it here, "cancelling" removes it; nothing is bought from anyone.
/// </summary>
/// <param name="Msisdn">The number in E.164 digits, without the <c>+</c> (as Vonage writes <c>msisdn</c>).</param>
/// <param name="Country">The ISO 3166-1 alpha-2 country it was added for (upper case).</param>
/// <param name="ApplicationId">The linked application, or null while the number is linked to none (calls to it get 404).</param>
/// <param name="CreatedAt">When it was added.</param>
public sealed record AccountNumber(string Msisdn, string Country, string? ApplicationId, DateTimeOffset CreatedAt);
