using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Ncco.Host.Tests.Support;

/// <summary>
/// The real host on Kestrel at a free loopback port, for peers outside the test process (node, a browser) that need a
/// real socket rather than the in-memory test server.
/// </summary>
public static class LoopbackHost
{
    /// <summary>A port free on 127.0.0.1 right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts the host on <paramref name="port"/> with its data in <paramref name="dataDirectory"/>, no drain budget, SIP
    /// off, then <paramref name="args"/> (which may override those).
    /// </summary>
    public static async Task<WebApplication> StartAsync(int port, string dataDirectory, string apiKey, string apiSecret, params string[] args)
    {
        var builder = WebApplication.CreateBuilder([
            $"--urls=http://127.0.0.1:{port}",
            $"--Ncco:DataDirectory={dataDirectory}",
            $"--Ncco:Account:ApiKey={apiKey}",
            $"--Ncco:Account:ApiSecret={apiSecret}",
            "--Ncco:Shutdown:DrainTimeout=00:00:00",
            "--Ncco:Sip:Enabled=false", // it would bind 5060; SIP tests turn it on at a free port
            .. args,
        ]);
        builder.Logging.ClearProviders();
        builder.AddNccoHost();
        var app = builder.Build();
        await app.UseNccoHostAsync();
        await app.StartAsync();
        return app;
    }
}
