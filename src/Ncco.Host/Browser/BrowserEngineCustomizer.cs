using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;

namespace Ncco.Host.Browser;

/// <summary>Makes <c>app</c> endpoints of each application's engine ring its users' browser phones.</summary>
/// <remarks>
/// The phone is resolved when the first engine is built, not injected: <see cref="BrowserPhone"/> places calls through
/// <see cref="VoiceRuntime"/>, whose customizers include this one.
/// </remarks>
internal sealed class BrowserEngineCustomizer(IServiceProvider services) : IEngineCustomizer
{
    public VoiceEngineOptions Customize(VoiceEngineOptions options, Application application) =>
        options with { Dialer = new AppUserDialer(options.Dialer, services.GetRequiredService<BrowserPhone>(), application.Id) };
}
