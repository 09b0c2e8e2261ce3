using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;

namespace Ncco.Host.Browser;

/// <summary>Makes <c>app</c> endpoints of each application's engine ring its users' browser phones.</summary>
internal sealed class BrowserEngineCustomizer(BrowserPhone phone) : IEngineCustomizer
{
    public VoiceEngineOptions Customize(VoiceEngineOptions options, Application application) =>
        options with { Dialer = new AppUserDialer(options.Dialer, phone, application.Id) };
}
