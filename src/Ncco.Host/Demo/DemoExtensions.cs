using Ncco.Host.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ncco.Host.Demo;

/// <summary>
/// Registers and maps the built-in demo (<see cref="DemoOptions"/>): the demo application provisioned at start,
/// its webhooks and the echo bot. Both methods may be called more than once; later calls do nothing.
/// </summary>
public static class DemoExtensions
{
    private const string MappedKey = "Ncco.Demo.Mapped";

    /// <summary>Adds <see cref="DemoOptions"/>, the <see cref="DemoProvisioner"/> (also a hosted service) and the <see cref="EchoBot"/>.</summary>
    public static WebApplicationBuilder AddNccoDemo(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(DemoProvisioner))) return builder;

        var configuration = builder.Configuration;
        builder.Services.AddNccoOptions<DemoOptions>(configuration, DemoOptions.Section)
            .Configure(options =>
            {
                options.PublicUrl ??= configuration[DemoOptions.PublicUrlKey];
                // Off unless asked for when the host listens beyond loopback: an operator exposing the host does not
                // expect an unauthenticated demo application, its webhooks and its echo bot to come with it.
                if (configuration[DemoOptions.Section + ":Enabled"] is null && ListenAddresses.AnyRemote(configuration))
                {
                    options.Enabled = false;
                    options.OffForRemoteBind = true;
                }
            })
            .Validate(options => !options.Enabled || Guid.TryParse(options.ApplicationId, out _),
                "Ncco:Demo:ApplicationId is not valid: it must be a UUID.")
            .Validate(options => options.EchoDelay >= TimeSpan.Zero, "Ncco:Demo:EchoDelay must not be negative.");
        builder.Services.TryAddSingleton<HostPublicUrl>();
        builder.Services.AddSingleton<DemoProvisioner>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<DemoProvisioner>());
        builder.Services.AddSingleton<EchoBot>();
        return builder;
    }

    /// <summary>Maps <c>/demo/answer</c>, <c>/demo/input</c>, <c>/demo/events</c> and the <c>/demo/bot</c> WebSocket, unless the demo is disabled.</summary>
    public static WebApplication MapNccoDemo(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var properties = ((IApplicationBuilder)app).Properties;
        if (properties.ContainsKey(MappedKey)) return app;
        properties[MappedKey] = true;
        if (!app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled) return app;

        // Harmless if the media code adds it too: the middleware only acts when no WebSocket feature is there yet.
        app.UseWebSockets();
        app.MapDemoEndpoints();
        return app;
    }
}
