using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ncco.Host.Legs.Sip;

namespace Ncco.Host.Tests.Sip;

/// <summary>The host as <c>ncco serve</c> runs it (Kestrel, demo on, no routes): SIP to the demo user is answered.</summary>
public sealed class SipDemoTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_softphone_calling_the_demo_user_hears_the_menu_and_pressing_3_ends_the_call()
    {
        var data = Directory.CreateTempSubdirectory("ncco-sip-demo-").FullName;
        var rtpFirst = 48000 + (Random.Shared.Next(0, 100) * 40);
        var builder = WebApplication.CreateBuilder([
            "--urls=http://127.0.0.1:0",
            $"--Ncco:DataDirectory={data}",
            "--Ncco:Shutdown:DrainTimeout=00:00:00",
            "--Ncco:Sip:Listen=127.0.0.1:0",
            $"--Ncco:Sip:RtpPortFirst={rtpFirst}",
            $"--Ncco:Sip:RtpPortLast={rtpFirst + 19}",
        ]);
        builder.Logging.ClearProviders();
        builder.AddNccoHost();
        await using var app = builder.Build();
        await app.UseNccoHostAsync();
        await app.StartAsync();
        try
        {
            var sip = app.Services.GetRequiredService<SipGateway>().LocalEndPoint!;
            await using var phone = await TestSoftphone.CallAsync(sip, "demo", rtpFirst + 20);
            await phone.AnsweredAsync(Limit);

            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (phone.FramesVoiced < 25)
            {
                Assert.True(waited.Elapsed < Limit, $"the demo's welcome was not heard: {phone.FramesVoiced} voiced of {phone.FramesHeard} frames");
                await Task.Delay(20);
            }
            // The menu takes key presses while it talks (barge-in); 3 is goodbye, after which the demo hangs up.
            phone.Press('3');
            var end = await phone.Call!.Ended.WaitAsync(Limit);
            Assert.Equal(Ncco.Sip.Dialogs.CallEndReason.RemoteHangup, end.Reason);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
