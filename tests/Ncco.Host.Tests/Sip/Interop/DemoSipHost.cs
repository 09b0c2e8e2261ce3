using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ncco.Host.Calls;
using Ncco.Host.Demo;
using Ncco.Host.Legs.Sip;

namespace Ncco.Host.Tests.Sip.Interop;

/// <summary>
/// The host as <c>ncco serve</c> runs it (Kestrel on a free loopback port, demo application on, SIP on a free port) for
/// real SIP peers outside the test process; the demo application's call records are read back from the repository.
/// </summary>
public sealed class DemoSipHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _data;

    private DemoSipHost(WebApplication app, string data, int rtpFirst)
    {
        _app = app;
        _data = data;
        RtpFirst = rtpFirst;
    }

    /// <summary>Where the host's SIP listens (UDP and TCP).</summary>
    public IPEndPoint Sip => _app.Services.GetRequiredService<SipGateway>().LocalEndPoint!;

    /// <summary>First port of the host's RTP range (40 ports); peers pick theirs above it.</summary>
    public int RtpFirst { get; }

    public string DemoApplicationId => _app.Services.GetRequiredService<DemoProvisioner>().Application!.ApplicationId;

    public static async Task<DemoSipHost> StartAsync()
    {
        var data = Directory.CreateTempSubdirectory("ncco-sip-interop-").FullName;
        // A random block of 40 RTP ports for the host and 40 above it for the peer, so parallel classes rarely collide;
        // below the kernel's ephemeral range (32768+), where SIPp and HTTP clients get their ports.
        var rtpFirst = 20000 + (Random.Shared.Next(0, 120) * 100);
        var builder = WebApplication.CreateBuilder([
            "--urls=http://127.0.0.1:0",
            $"--Ncco:DataDirectory={data}",
            "--Ncco:Shutdown:DrainTimeout=00:00:00",
            "--Ncco:Sip:Listen=127.0.0.1:0",
            $"--Ncco:Sip:RtpPortFirst={rtpFirst}",
            $"--Ncco:Sip:RtpPortLast={rtpFirst + 39}",
        ]);
        builder.Logging.ClearProviders();
        builder.AddNccoHost();
        var app = builder.Build();
        try
        {
            await app.UseNccoHostAsync();
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            Directory.Delete(data, recursive: true);
            throw;
        }
        return new DemoSipHost(app, data, rtpFirst);
    }

    /// <summary>The demo application's calls as stored (everything journalled so far is flushed first), oldest first.</summary>
    public async Task<IReadOnlyList<CallRecord>> CallsAsync()
    {
        await _app.Services.GetRequiredService<CallJournal>().FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        var (items, _) = await _app.Services.GetRequiredService<ICallRepository>().ListAsync(DemoApplicationId, new CallQuery { PageSize = 100 }, CancellationToken.None);
        return items;
    }

    /// <summary>The stored events of a leg, oldest first.</summary>
    public async Task<IReadOnlyList<CallEventRecord>> EventsAsync(string uuid)
    {
        await _app.Services.GetRequiredService<CallJournal>().FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        return await _app.Services.GetRequiredService<ICallRepository>().EventsAsync(uuid, CancellationToken.None);
    }

    /// <summary>Polls the demo's calls until one matches, failing with what was there after <paramref name="limit"/>.</summary>
    public async Task<CallRecord> WaitForCallAsync(Func<CallRecord, bool> match, TimeSpan limit, string what)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var calls = await CallsAsync();
            if (calls.FirstOrDefault(match) is { } call) return call;
            if (waited.Elapsed > limit)
            {
                Assert.Fail($"no demo call {what} after {limit.TotalSeconds} s; calls: " + string.Join("; ", calls.Select(c => $"{c.Uuid} {c.Direction} {c.To.Type} {c.Status}")));
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Polls a leg's events until one of <paramref name="kind"/> is stored; returns its JSON payload.</summary>
    public async Task<string> WaitForEventAsync(string uuid, string kind, TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var events = await EventsAsync(uuid);
            if (events.FirstOrDefault(e => e.Kind == kind) is { } found) return found.Payload ?? "";
            if (waited.Elapsed > limit)
            {
                Assert.Fail($"leg {uuid} has no '{kind}' event after {limit.TotalSeconds} s; events: " + string.Join(", ", events.Select(e => e.Kind)));
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            await _app.DisposeAsync();
            try
            {
                Directory.Delete(_data, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold its file for a moment; a leftover temp directory is harmless.
            }
        }
    }
}
