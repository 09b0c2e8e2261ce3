using Ncco.Calls;
using Ncco.Host.Applications;

namespace Ncco.Host.Calls;

/// <summary>
/// Adds to the options of each application's <see cref="NccoVm"/> before it is built: the media plane and leg
/// dialer, extra action handlers, a different scheduler in tests. Registered customizers run in registration order.
/// </summary>
public interface IVmCustomizer
{
    /// <summary>Returns <paramref name="options"/>, changed as needed, for the VM of <paramref name="application"/>.</summary>
    NccoVmOptions Customize(NccoVmOptions options, Application application);
}
