using Ncco.Host.Applications;

namespace Ncco.Host.Auth;

/// <summary>The outcome of checking an application JWT.</summary>
/// <param name="Application">The authenticated application, when valid.</param>
/// <param name="ErrorKey">The documented error key (<c>unauthorized</c>, <c>jwt-expired</c>) when invalid.</param>
/// <param name="Detail">Why the token was refused, for the error body.</param>
public sealed record JwtValidationResult(Application? Application, string? ErrorKey, string? Detail)
{
    /// <summary>True when the token authenticated an application.</summary>
    public bool IsValid => Application is not null;

    /// <summary>The verified claims (<c>sub</c>, <c>acl</c>…), when valid.</summary>
    public VerifiedToken? Token { get; init; }

    internal static JwtValidationResult Fail(string detail, string key = "unauthorized") => new(null, key, detail);

    internal static JwtValidationResult Success(Application application, VerifiedToken token) => new(application, null, null) { Token = token };
}
