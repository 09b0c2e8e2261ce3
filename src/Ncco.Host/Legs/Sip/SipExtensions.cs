using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;
using Ncco.Model.Endpoints;

namespace Ncco.Host.Legs.Sip;

/// <summary>Registers the SIP gateway (<see cref="SipOptions"/>) when <c>Ncco:Sip:Enabled</c> is true.</summary>
public static class SipExtensions
{
    /// <summary>
    /// Adds <see cref="SipOptions"/> and, when enabled, the <see cref="SipGateway"/> (inbound INVITEs) and its leg
    /// transport for <c>sip</c> endpoints, and for <c>phone</c> endpoints when the configuration lists trunks
    /// (<c>Ncco:Sip:Trunks</c>; without them <c>phone</c> stays free for another transport, and unroutable otherwise).
    /// </summary>
    public static WebApplicationBuilder AddNccoSip(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Once only: binding the section twice would list every trunk twice.
        if (builder.Services.Any(d => d.ServiceType == typeof(Added))) return builder;
        builder.Services.AddSingleton(new Added());
        var section = builder.Configuration.GetSection(SipOptions.Section);
        builder.Services.AddNccoOptions<SipOptions>(builder.Configuration, SipOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<SipOptions>, SipOptionsValidator>();
        var enabled = section[nameof(SipOptions.Enabled)];
        // Decided now (it chooses what to register); a value that is not a boolean is reported by the options check at
        // start, and SIP stays off until it is fixed.
        if (enabled is not null && (!bool.TryParse(enabled, out var on) || !on)) return builder;
        builder.Services.AddSingleton<SipGateway>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<SipGateway>());
        builder.Services.AddNccoLegTransport<SipLegTransport>(EndpointTypes.Sip);
        if (section.GetSection(nameof(SipOptions.Trunks)).GetChildren().Any())
            builder.Services.AddNccoLegTransport<SipLegTransport>(EndpointTypes.Phone);
        return builder;
    }

    /// <summary>Marks the services as having SIP.</summary>
    private sealed class Added;
}
