using Ncco.Host.Configuration;
using Microsoft.Extensions.Options;
using Ncco.Host.Browser;
using Ncco.Host.Calls;

namespace Ncco.Host.Dashboard;

/// <summary>Registers and maps the dashboard and the browser phone (<see cref="DashboardOptions"/>).</summary>
public static class DashboardExtensions
{
    /// <summary>Adds the browser phone (<see cref="BrowserPhoneExtensions.AddNccoBrowserPhone"/>: the dashboard shows its users and opens it), the call logs the timeline shows, and the static pages.</summary>
    public static WebApplicationBuilder AddNccoDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddNccoOptions<DashboardOptions>(builder.Configuration, DashboardOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        builder.AddNccoBrowserPhone();
        builder.Services.AddSingleton<DashboardCallLogs>();
        builder.Services.AddSingleton<IVmCustomizer, DashboardVmCustomizer>();
        builder.Services.AddSingleton<DashboardAccess>();
        builder.Services.AddSingleton<EmbeddedAssets>();
        return builder;
    }

    /// <summary>Maps <c>/phone/ws</c> (<see cref="BrowserPhoneExtensions.MapNccoBrowserPhone"/>) and, unless disabled, <c>/dashboard</c>, <c>/phone</c> and <c>/dashboard/api</c>.</summary>
    public static WebApplication MapNccoDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // App endpoints are part of the Voice API: the phone's socket stays even when the pages are turned off.
        app.MapNccoBrowserPhone();
        if (app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value.Enabled) app.MapDashboard();
        return app;
    }
}
