using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;

namespace Ncco.Host.Dashboard;

/// <summary>Lets <see cref="DashboardCallLogs"/> watch every application's VM beside the host's own observer.</summary>
internal sealed class DashboardVmCustomizer(DashboardCallLogs logs) : IVmCustomizer
{
    public NccoVmOptions Customize(NccoVmOptions options, Application application) =>
        options with { Observer = options.Observer is null ? logs : new CompositeVmObserver(options.Observer, logs) };
}
