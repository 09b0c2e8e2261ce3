using Ncco.Calls;
using Ncco.Host.Applications;

namespace Ncco.Host.Calls;

/// <summary>
/// Adds to the options of each application's <see cref="VoiceEngine"/> before it is built: the media plane and leg
/// dialer, extra action handlers, a different scheduler in tests. Registered customizers run in registration order.
/// </summary>
public interface IEngineCustomizer
{
    /// <summary>Returns <paramref name="options"/>, changed as needed, for the engine of <paramref name="application"/>.</summary>
    VoiceEngineOptions Customize(VoiceEngineOptions options, Application application);
}
