using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;

namespace Ncco.Host.Cluster;

/// <summary>
/// Gives each application's VM its <see cref="SipRedirectHandoff"/> when the store keeps a hand-off directory that is
/// enabled (a PostgreSQL cluster); a single node's VMs get none and answer every call as before.
/// </summary>
internal sealed class InboundHandoffCustomizer(IServiceProvider services, CallJournal journal, ILoggerFactory loggers) : IVmCustomizer
{
    public NccoVmOptions Customize(NccoVmOptions options, Application application) =>
        services.GetService<IInboundHandoffDirectory>() is { Enabled: true } directory
            ? options with { InboundHandoff = new SipRedirectHandoff(application.Id, directory, journal, services.GetRequiredService<UntakenHandoffCloser>(), loggers.CreateLogger("Ncco.Host.Cluster")) }
            : options;
}
