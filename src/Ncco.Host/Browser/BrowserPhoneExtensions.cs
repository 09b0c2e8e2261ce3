using Ncco.Host.Legs;
using Ncco.Host.MediaPlane;
using Ncco.Model.Endpoints;

namespace Ncco.Host.Browser;

/// <summary>Registers and maps the browser phone: the <c>app</c> leg transport and <c>/phone/ws</c>.</summary>
public static class BrowserPhoneExtensions
{
    private const string MappedKey = "Ncco.BrowserPhone.Mapped";

    /// <summary>
    /// Adds the <see cref="BrowserPhone"/> (signed-in phones, their calls to the application), the user JWT check, and
    /// <see cref="BrowserPhoneLegTransport"/> for <c>app</c> endpoints. Safe to call more than once.
    /// </summary>
    public static WebApplicationBuilder AddNccoBrowserPhone(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(BrowserPhone))) return builder;
        builder.Services.AddNccoMedia();
        builder.Services.AddSingleton<UserJwtAuthenticator>();
        builder.Services.AddSingleton<BrowserPhone>();
        builder.Services.AddNccoLegTransport<BrowserPhoneLegTransport>(EndpointTypes.App);
        return builder;
    }

    /// <summary>
    /// Maps the phone's socket, <c>/phone/ws</c> (the page itself, <c>/phone</c>, is one of the dashboard's assets). Safe
    /// to call more than once.
    /// </summary>
    public static WebApplication MapNccoBrowserPhone(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var properties = ((IApplicationBuilder)app).Properties;
        if (properties.ContainsKey(MappedKey)) return app;
        properties[MappedKey] = true;
        app.UseWebSockets();
        app.MapBrowserPhone();
        return app;
    }
}
