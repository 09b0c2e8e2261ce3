namespace Ncco.Model.Endpoints;

/// <summary>A user of the application (Client SDK or the browser phone).</summary>
/// <param name="User">The user name.</param>
public sealed record AppEndpoint(string User) : CallEndpoint
{
    /// <inheritdoc />
    public override string Type => EndpointTypes.App;
}
