using Ncco.Host.Calls;

namespace Ncco.Host.Legs.Sip;

/// <summary>Registers the SIP gateway (<see cref="SipOptions"/>) when <c>Ncco:Sip:Enabled</c> is true.</summary>
public static class SipExtensions
{
    /// <summary>Adds <see cref="SipOptions"/> and, when enabled, the <see cref="SipGateway"/> and its dialer.</summary>
    public static WebApplicationBuilder AddNccoSip(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(SipOptions.Section);
        builder.Services.Configure<SipOptions>(section);
        var enabled = section[nameof(SipOptions.Enabled)];
        if (enabled is not null && !bool.TryParse(enabled, out _))
            throw new InvalidOperationException($"{SipOptions.Section}:Enabled '{enabled}' is not valid: it must be true or false.");
        if (enabled is not null && !bool.Parse(enabled)) return builder;
        builder.Services.AddSingleton<SipGateway>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<SipGateway>());
        builder.Services.AddSingleton<IVmCustomizer, SipVmCustomizer>();
        return builder;
    }
}
