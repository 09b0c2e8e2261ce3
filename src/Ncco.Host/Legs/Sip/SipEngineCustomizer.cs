using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;

namespace Ncco.Host.Legs.Sip;

/// <summary>Makes <c>sip</c> endpoints of each application's engine dial through the <see cref="SipGateway"/>.</summary>
/// <remarks>The gateway is resolved lazily: it places inbound calls through <see cref="VoiceRuntime"/>, whose customizers include this one.</remarks>
internal sealed class SipEngineCustomizer(IServiceProvider services) : IEngineCustomizer
{
    public VoiceEngineOptions Customize(VoiceEngineOptions options, Application application) =>
        options with { Dialer = new SipLegDialer(options.Dialer, services.GetRequiredService<SipGateway>(), application.Id) };
}
