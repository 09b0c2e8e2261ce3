namespace Ncco.Model.Endpoints;

/// <summary>A Vonage Business Cloud extension.</summary>
/// <param name="Extension">The extension.</param>
public sealed record VbcEndpoint(string Extension) : CallEndpoint
{
    /// <inheritdoc />
    public override string Type => EndpointTypes.Vbc;
}
