using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;

namespace Ncco.Host.MediaPlane;

/// <summary>Gives each application's VM real media: its plane on the shared media thread.</summary>
internal sealed class MediaVmCustomizer(MediaServices media) : IVmCustomizer
{
    public NccoVmOptions Customize(NccoVmOptions options, Application application) => options with { Media = media.CreatePlane(options.Application) };
}
