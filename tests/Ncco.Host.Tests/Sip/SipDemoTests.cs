using Ncco.Host.Tests.Sip.Interop;

namespace Ncco.Host.Tests.Sip;

/// <summary>The host as <c>ncco serve</c> runs it (Kestrel, demo on, no routes): SIP to the demo user is answered.</summary>
public sealed class SipDemoTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_softphone_calling_the_demo_user_hears_the_menu_and_pressing_3_ends_the_call()
    {
        await using var host = await DemoSipHost.StartAsync();
        await using var phone = await TestSoftphone.CallAsync(host.Sip, "demo", host.RtpFirst + 40);
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
}
