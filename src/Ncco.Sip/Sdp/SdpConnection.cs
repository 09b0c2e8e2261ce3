namespace Ncco.Sip.Sdp;

/// <summary>A <c>c=</c> line: network type IN, address type IP4/IP6, and the address.</summary>
/// <param name="AddressType">IP4 or IP6.</param>
/// <param name="Address">The connection address (a TTL/count suffix for multicast is kept as written).</param>
public sealed record SdpConnection(string AddressType, string Address)
{
    /// <summary>True for the RFC 2543 way of putting a call on hold (c=IN IP4 0.0.0.0).</summary>
    public bool IsHoldAddress => Address == "0.0.0.0";

    /// <inheritdoc />
    public override string ToString() => $"IN {AddressType} {Address}";
}
