using Ncco.Calls;
using Ncco.Host.Applications;

namespace Ncco.Host.Calls;

/// <summary>
/// Adds to the options of each application's <see cref="NccoVm"/> before it is built: the media plane, extra action
/// handlers, an observer, a different scheduler in tests. Registered customizers run in registration order, after the
/// options got their dialer from the leg transports. Outbound legs are not a customizer's business: register a
/// transport per endpoint type (<see cref="Legs.LegTransportServiceCollectionExtensions"/>), so the order of
/// registrations never decides where a leg goes. (A customizer that sets <see cref="NccoVmOptions.Dialer"/> anyway
/// replaces every transport; the host's tests do that for virtual legs.)
/// </summary>
public interface IVmCustomizer
{
    /// <summary>Returns <paramref name="options"/>, changed as needed, for the VM of <paramref name="application"/>.</summary>
    NccoVmOptions Customize(NccoVmOptions options, Application application);
}
