using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ncco.Testing.VoiceApi;

/// <summary>
/// The Vonage Voice REST API (<c>/v1/calls</c>) of the virtual caller, on loopback: what an app that controls a live
/// call (transfer, hangup, mute, earmuff, talk, stream, DTMF, get and list calls, outbound calls) calls while a
/// simulator runs. Requests go to the simulator attached at the time (<see cref="SimulatorOptions.UseVoiceApi"/>);
/// point the app at <see cref="BaseUrl"/> (the Node SDK's <c>apiHost</c>, <c>VONAGE_API_HOST</c> by convention).
/// </summary>
/// <remarks>
/// One server can outlive many simulators, one at a time: <c>ncco test</c> serves the API on one port for every
/// scenario, so an app started once with that URL reaches whichever scenario runs. Without a simulator attached,
/// every call is unknown (404).
/// </remarks>
public sealed class VoiceApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private VoiceSimulator? _simulator;

    private VoiceApiServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>Where the API listens, e.g. <c>http://127.0.0.1:41234</c> (no trailing path): the app's API host.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The simulator the requests go to now, if any.</summary>
    internal VoiceSimulator? Simulator => Volatile.Read(ref _simulator);

    /// <summary>
    /// Starts the API on <c>127.0.0.1:<paramref name="port"/></c>; port 0 (the default) takes a free one. A fixed port is
    /// for an app started before the test that must be told the URL in advance (<c>ncco test --api-port</c>).
    /// </summary>
    public static async Task<VoiceApiServer> StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.AddServerHeader = false;
            // Bodies are small JSON documents; anything larger is refused before it is read.
            k.Limits.MaxRequestBodySize = VoiceApiHandler.MaxBodyBytes;
        });
        builder.Services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        var app = builder.Build();
        VoiceApiServer? server = null;
        app.Run(context => VoiceApiHandler.HandleAsync(context, Volatile.Read(ref server)));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new VoiceApiServer(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        return server;
    }

    /// <summary>Sends the requests to <paramref name="simulator"/> from now on.</summary>
    /// <exception cref="InvalidOperationException">Another simulator is attached: a server serves one at a time.</exception>
    internal void Attach(VoiceSimulator simulator)
    {
        if (Interlocked.CompareExchange(ref _simulator, simulator, null) is { } other && other != simulator)
            throw new InvalidOperationException("This VoiceApiServer already serves another simulator; dispose that one first, or give each simulator its own server.");
    }

    /// <summary>Stops sending requests to <paramref name="simulator"/>.</summary>
    internal void Detach(VoiceSimulator simulator) => Interlocked.CompareExchange(ref _simulator, null, simulator);

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
