using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;

namespace Ncco.Host.Media;

/// <summary>Gives each application's engine real media: the shared media plane and the host's leg dialer.</summary>
internal sealed class MediaEngineCustomizer(MediaRuntime media) : IEngineCustomizer
{
    public VoiceEngineOptions Customize(VoiceEngineOptions options, Application application)
    {
        var engineMedia = media.CreateEngineMedia(options.Application);
        return options with { Media = engineMedia.Plane, Dialer = engineMedia.Dialer };
    }
}
