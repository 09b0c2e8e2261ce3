using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;

namespace Ncco.Host.MediaPlane;

/// <summary>Gives each application's VM real media: the shared media plane and the host's leg dialer.</summary>
internal sealed class MediaVmCustomizer(MediaServices media) : IVmCustomizer
{
    public NccoVmOptions Customize(NccoVmOptions options, Application application)
    {
        var wiring = media.CreateVmWiring(options.Application);
        return options with { Media = wiring.Plane, Dialer = wiring.Dialer };
    }
}
