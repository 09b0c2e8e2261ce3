using System.Globalization;
using System.Text.Json;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// Issue 17: call pick-up (RFC 3891 §3). The host dials a PBX extension for a <c>connect</c>; while it rings, another
/// phone of the PBX picks the call up with an INVITE whose Replaces names the early dialog of the host's INVITE. SIPp
/// plays the PBX (the ringing extension and the picking-up phone, with real RTP); a softphone is the caller.
/// </summary>
public sealed class SipCallPickupTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(40);
    private SipHostHarness _h = null!;

    public async Task InitializeAsync() => _h = await SipHostHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private IEnumerable<JsonElement> StatusesOf(string uuid) =>
        _h.App.All.Where(w => w.Json is { } j && j.TryGetProperty("uuid", out var u) && u.GetString() == uuid && j.TryGetProperty("status", out _))
            .Select(w => w.Json!.Value);

    [Fact]
    public async Task A_pbx_picking_up_the_ringing_callee_answers_the_leg_cancels_the_invite_and_is_heard()
    {
        var pbxPort = Sipp.FreeUdpPort();
        _h.App.Ncco("/answer", $$"""
            [{"action":"connect","timeout":20,"endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1:{{pbxPort.ToString(CultureInfo.InvariantCulture)}}"}]}]
            """);
        var work = Directory.CreateTempSubdirectory("ncco-pickup-");
        try
        {
            var scenario = Path.Combine(work.FullName, "uas-ring-then-pickup.xml");
            await File.WriteAllTextAsync(scenario, (await File.ReadAllTextAsync(Sipp.Scenario("Sip/Scenarios/uas-ring-then-pickup.xml")))
                .Replace("@PAUSE@", "2000", StringComparison.Ordinal).Replace("@TALK@", "3000", StringComparison.Ordinal)
                .Replace("@PCAP@", "/usr/share/sip-tester/g711a.pcap", StringComparison.Ordinal));
            var mediaPort = Sipp.FreeMediaPort().ToString(CultureInfo.InvariantCulture);
            var pbx = Sipp.RunAsync([.. Sipp.Common(pbxPort), "-mp", mediaPort, "-sf", scenario,
                $"127.0.0.1:{_h.Sip.Port.ToString(CultureInfo.InvariantCulture)}"], Limit);
            await using var caller = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.Number, 40000 + (Random.Shared.Next(0, 200) * 20));
            await caller.AnsweredAsync(Limit);

            // The callee leg rings, then is answered by the pick-up: one leg, the events of a callee that answered.
            var started = (await Sipp.Before(_h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("status", out var s) && s.GetString() == "started"
                && j.TryGetProperty("direction", out var d) && d.GetString() == "outbound", Limit), pbx, Limit)).Json!.Value;
            var legId = started.GetProperty("uuid").GetString()!;
            await Sipp.Before(_h.App.WaitForStatusAsync(legId, "answered", Limit), pbx, Limit);

            // The picking-up phone's audio (SIPp's A-law recording) reaches the caller through the conversation.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (caller.FramesVoiced < 25)
            {
                if (waited.Elapsed > TimeSpan.FromSeconds(15))
                {
                    // SIPp's 7 s recording is over by now: say what the PBX saw.
                    var result = await pbx;
                    Assert.Fail($"the caller heard {caller.FramesVoiced} voiced of {caller.FramesHeard} frames from the picking-up phone; PBX SIPp exit {result.ExitCode}:\n{result.Output}");
                }
                await Task.Delay(20);
            }

            // SIPp checked the wire: 200 for the INVITE with Replaces, then CANCEL of the ringing INVITE (487 to it), then
            // a 200 for the picking-up phone's own BYE (its dialog, not the cancelled one, was the leg's by then).
            var pbxResult = await pbx;
            Assert.True(pbxResult.ExitCode == 0, $"PBX SIPp exit {pbxResult.ExitCode}:\n{pbxResult.Output}");
            // Its BYE ends the leg, which ends the caller's two-party call.
            var end = await caller.Call!.Ended.WaitAsync(Limit);
            Assert.Equal(Ncco.Sip.Dialogs.CallEndReason.RemoteHangup, end.Reason);
            var completed = (await _h.App.WaitForStatusAsync(legId, "completed", Limit)).Json!.Value;
            Assert.Equal("user", completed.GetProperty("disconnected_by").GetString());
            Assert.Equal(["started", "ringing", "answered", "completed"], StatusesOf(legId).Select(j => j.GetProperty("status").GetString()).ToList());
            // The pick-up asked for no answer URL: the caller's is the only one.
            Assert.Single(_h.App.All, w => w.Path == "/answer");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
