using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;
using Ncco.Host.Recordings;

namespace Ncco.Host.Media;

/// <summary>Registers the media runtime.</summary>
public static class MediaServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="MediaRuntime"/> (the shared media thread, TTS/ASR/stream engines; call
    /// <see cref="MediaRuntime.CreateEngineMedia"/> per VoiceEngine) and <see cref="RecordingStore"/> (recordings under
    /// <c>&lt;DataDirectory&gt;/recordings</c>; <see cref="RecordingStore.FindAsync"/> serves <c>GET /v1/files/{id}</c>), both singletons.
    /// Needs <see cref="NccoHostOptions"/> configured (as <c>AddNccoHost</c> does).
    /// </summary>
    public static IServiceCollection AddNccoMedia(this IServiceCollection services)
    {
        services.AddOptions<NccoHostOptions>();
        services.TryAddSingleton(TimeProvider.System);
        // The host registers its SQLite rows first; embedded on its own the media plane keeps them in memory.
        services.TryAddSingleton<IRecordingRepository, InMemoryRecordingRepository>();
        services.TryAddSingleton<RecordingStore>();
        services.TryAddSingleton(sp => new MediaRuntime(
            sp.GetRequiredService<IOptions<NccoHostOptions>>(),
            sp.GetRequiredService<RecordingStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
        return services;
    }
}
