using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;

namespace Ncco.Host.Legs.Sip;

/// <summary>Makes <c>sip</c> endpoints of each application's VM dial through the <see cref="SipGateway"/>.</summary>
/// <remarks>The gateway is resolved lazily: it places inbound calls through <see cref="VmDirectory"/>, whose customizers include this one.</remarks>
internal sealed class SipVmCustomizer(IServiceProvider services) : IVmCustomizer
{
    public NccoVmOptions Customize(NccoVmOptions options, Application application) =>
        options with { Dialer = new SipLegDialer(options.Dialer, services.GetRequiredService<SipGateway>(), application.Id) };
}
