namespace Ncco.Sip.Transport;

using Ncco.Sip.Messages;

/// <summary>What the transport layer hands upwards: parsed, validated messages and send failures.</summary>
public interface ISipMessageHandler
{
    /// <summary>A request, with <c>received</c>/<c>rport</c> already written into its top Via.</summary>
    void OnRequest(SipRequest request, SipEndPoint source);

    /// <summary>A response whose top Via names us.</summary>
    void OnResponse(SipResponse response, SipEndPoint source);

    /// <summary>Sending to <paramref name="remote"/> failed.</summary>
    void OnTransportError(SipEndPoint remote, Exception error);
}
