using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;
using Ncco.Host.Recordings;

namespace Ncco.Host.MediaPlane;

/// <summary>Registers the media services.</summary>
public static class MediaServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="MediaServices"/> (the shared media thread, TTS/ASR/stream engines; call
    /// <see cref="MediaServices.CreatePlane"/> per NccoVm) and <see cref="RecordingStore"/> (recordings under
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
        services.TryAddSingleton(sp => new MediaServices(
            sp.GetRequiredService<IOptions<NccoHostOptions>>(),
            sp.GetRequiredService<RecordingStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<Calls.WebhookAddressPolicy>()));
        return services;
    }
}
