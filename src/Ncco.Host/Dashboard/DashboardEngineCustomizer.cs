using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;

namespace Ncco.Host.Dashboard;

/// <summary>Lets <see cref="DashboardCallLogs"/> watch every application's engine beside the host's own observer.</summary>
internal sealed class DashboardEngineCustomizer(DashboardCallLogs logs) : IEngineCustomizer
{
    public VoiceEngineOptions Customize(VoiceEngineOptions options, Application application) =>
        options with { Observer = options.Observer is null ? logs : new CompositeVmObserver(options.Observer, logs) };
}
