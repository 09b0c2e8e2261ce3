using System.Globalization;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// The softphone user the SIP user tests configure (<c>Ncco:Sip:Users:bob</c>, password <c>bobpw</c>, owned by the
/// test's application), its digest REGISTER, made by SIPp, and a call to bob answered by the SIPp playing his phone.
/// </summary>
internal static class SipTestUser
{
    /// <summary>Host settings that declare bob for the application (pass to <see cref="SipHostHarness.StartAsync"/>).</summary>
    public static string[] Bob(string applicationId) =>
        ["--Ncco:Sip:Users:bob:Password=bobpw", $"--Ncco:Sip:Users:bob:Application={applicationId}"];

    /// <summary>Registers bob through digest with <paramref name="contactPort"/> on loopback as his contact.</summary>
    public static async Task RegisterBobAsync(SipHostHarness h, int contactPort, TimeSpan limit)
    {
        var target = $"127.0.0.1:{h.Sip.Port.ToString(CultureInfo.InvariantCulture)}";
        var register = await Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-register-digest.xml"),
            "-key", "contact_port", contactPort.ToString(CultureInfo.InvariantCulture), target], limit);
        Assert.True(register.ExitCode == 0, $"SIPp REGISTER exit {register.ExitCode}:\n{register.Output}");
    }

    /// <summary>
    /// Registers bob as <see cref="RegisterBobAsync"/> does, through a proxy at loopback <paramref name="pathPort"/> that
    /// added <c>Path</c> (RFC 3327); the 200 must echo it.
    /// </summary>
    public static async Task RegisterBobThroughPathAsync(SipHostHarness h, int contactPort, int pathPort, TimeSpan limit)
    {
        var target = $"127.0.0.1:{h.Sip.Port.ToString(CultureInfo.InvariantCulture)}";
        var register = await Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-register-digest-path.xml"),
            "-key", "contact_port", contactPort.ToString(CultureInfo.InvariantCulture), "-key", "path_port", pathPort.ToString(CultureInfo.InvariantCulture), target], limit);
        Assert.True(register.ExitCode == 0, $"SIPp REGISTER exit {register.ExitCode}:\n{register.Output}");
    }

    /// <summary>
    /// Calls bob (a <c>sip:bob@127.0.0.1</c> endpoint, one talk) through the REST API and waits until the SIPp playing his
    /// phone (<paramref name="phone"/>, already running) has answered, the call has completed and SIPp has passed.
    /// </summary>
    public static async Task CallBobAsync(SipHostHarness h, Task<Sipp.Result> phone, TimeSpan limit)
    {
        var uuid = await h.CreateCallAsync("""
            {"to":[{"type":"sip","uri":"sip:bob@127.0.0.1"}],"from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"talk","text":"Hello Bob."}]}
            """);
        await Sipp.Before(h.App.WaitForStatusAsync(uuid, "answered", limit), phone, limit);
        await h.App.WaitForStatusAsync(uuid, "completed", limit);
        var result = await phone;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
    }
}
