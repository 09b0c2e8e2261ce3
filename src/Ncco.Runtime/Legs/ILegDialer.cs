namespace Ncco.Legs;

/// <summary>Creates outbound legs for <c>connect</c> and outbound calls.</summary>
public interface ILegDialer
{
    /// <summary>Creates (but does not dial) the transport of a leg for <paramref name="request"/>.</summary>
    ILegTransport CreateTransport(OutboundLegRequest request);
}
