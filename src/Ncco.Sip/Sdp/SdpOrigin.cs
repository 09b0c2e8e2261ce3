using System.Globalization;

namespace Ncco.Sip.Sdp;

/// <summary>The <c>o=</c> line. The session version must grow each time a side changes its description (RFC 3264 §8).</summary>
public sealed record SdpOrigin(string Username, ulong SessionId, ulong SessionVersion, string AddressType, string Address)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Username} {SessionId.ToString(CultureInfo.InvariantCulture)} {SessionVersion.ToString(CultureInfo.InvariantCulture)} IN {AddressType} {Address}";
}
