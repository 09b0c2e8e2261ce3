using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;
using Ncco.Host.MediaPlane;

namespace Ncco.Host.Cluster;

/// <summary>
/// In a cluster (a shared conversation-host directory), gives each application's VM its
/// <see cref="ClusterConversationPlacement"/>; one node (<see cref="LocalConversationHostDirectory"/>) keeps the VM's own
/// named conversations exactly as before.
/// </summary>
internal sealed class ConversationPlacementCustomizer(IConversationHostDirectory directory, ClusterHop hop, MediaServices media, ILoggerFactory loggers) : IVmCustomizer
{
    public NccoVmOptions Customize(NccoVmOptions options, Application application) => directory is LocalConversationHostDirectory
        ? options
        : options with { ConversationPlacement = new ClusterConversationPlacement(application.Id, directory, hop, media.MediaThread, loggers.CreateLogger("Ncco.Host.Cluster")) };
}
