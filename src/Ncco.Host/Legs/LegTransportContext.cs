using Ncco.Webhooks;

namespace Ncco.Host.Legs;

/// <summary>What a <see cref="ILegTransportFactory"/> knows of the VM a leg is created for.</summary>
/// <param name="Application">
/// The application whose VM asks (<see cref="VoiceApplication.ApplicationId"/> picks its browser phones and its SIP
/// caller ids; <see cref="VoiceApplication.SignatureSecret"/> signs a WebSocket's <c>vonage</c> authorization).
/// </param>
public sealed record LegTransportContext(VoiceApplication Application);
