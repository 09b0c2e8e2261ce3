using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;

namespace Ncco.Host.Browser;

/// <summary>Makes <c>app</c> endpoints of each application's VM ring its users' browser phones.</summary>
/// <remarks>
/// The phone is resolved when the first VM is built, not injected: <see cref="BrowserPhone"/> places calls through
/// <see cref="VmDirectory"/>, whose customizers include this one.
/// </remarks>
internal sealed class BrowserVmCustomizer(IServiceProvider services) : IVmCustomizer
{
    public NccoVmOptions Customize(NccoVmOptions options, Application application) =>
        options with { Dialer = new AppUserDialer(options.Dialer, services.GetRequiredService<BrowserPhone>(), application.Id) };
}
