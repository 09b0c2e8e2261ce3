namespace Ncco.Host.Auth;

/// <summary>What a verified application JWT says, kept by <see cref="VerifiedTokenCache"/> while the token lives.</summary>
/// <param name="ApplicationId">The <c>application_id</c> claim.</param>
/// <param name="Jti">The <c>jti</c> claim.</param>
/// <param name="ExpiresAt">The <c>exp</c> claim (or <c>iat</c> + 15 minutes), Unix seconds.</param>
/// <param name="PublicKey">The application's PEM public key that verified the signature: a later use is trusted only while the application still has it.</param>
/// <param name="Subject">The <c>sub</c> claim (a Client SDK user name), when it is a non-empty string.</param>
/// <param name="Acl">The <c>acl</c> claim; null when the token has none (full access).</param>
public sealed record VerifiedToken(string ApplicationId, string Jti, long ExpiresAt, string PublicKey, string? Subject, JwtAcl? Acl);
