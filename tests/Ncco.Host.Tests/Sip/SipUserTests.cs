using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Legs.Sip;
using Ncco.Sip.Auth;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// <c>Ncco:Sip:Users</c>: softphone users register through digest with the host's registrar, are called at their
/// registered contact, and their own INVITEs are challenged (MD5 by SIPp, SHA-256 by our softphone).
/// </summary>
public sealed class SipUserTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_user_registers_through_digest_and_a_sip_endpoint_for_it_rings_its_registered_contact()
    {
        await using var h = await SipHostHarness.StartAsync(SipTestUser.Bob);
        var gateway = h.Host.Services.GetRequiredService<SipGateway>();
        // SIPp ties a scenario to one Call-ID: one SIPp registers bob with the other's port as its contact, which answers.
        var phonePort = Sipp.FreeUdpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(phonePort), "-sf", Sipp.Scenario("Sip/Scenarios/uas-answer.xml")], Limit);
        await SipTestUser.RegisterBobAsync(h, phonePort, Limit);
        Assert.True(gateway.IsUserRegistered("bob"));

        await SipTestUser.CallBobAsync(h, sipp, Limit);
    }

    [Fact]
    public async Task A_user_registered_through_a_path_proxy_is_called_through_that_proxy_with_the_contact_as_request_uri()
    {
        await using var h = await SipHostHarness.StartAsync(SipTestUser.Bob);
        // The contact is a port nobody listens on (as a phone behind NAT is for anyone but the front): the call can only
        // be answered by the Path proxy (SIPp), which checks the Route and the request URI.
        var proxyPort = Sipp.FreeUdpPort();
        var unreachableContact = Sipp.FreeUdpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(proxyPort), "-sf", Sipp.Scenario("Sip/Scenarios/uas-answer-check-route.xml")], Limit);
        await SipTestUser.RegisterBobThroughPathAsync(h, unreachableContact, proxyPort, Limit);

        await SipTestUser.CallBobAsync(h, sipp, Limit);
    }

    [Fact]
    public async Task A_sip_endpoint_for_a_user_that_is_not_registered_fails_with_cannot_route()
    {
        await using var h = await SipHostHarness.StartAsync(SipTestUser.Bob);
        var uuid = await h.CreateCallAsync("""
            {"to":[{"type":"sip","uri":"sip:bob@127.0.0.1"}],"from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"talk","text":"never heard"}]}
            """);
        var failed = (await h.App.WaitForStatusAsync(uuid, "failed", Limit)).Json!.Value;
        Assert.Equal("cannot_route", failed.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_users_invite_is_challenged_and_with_its_password_reaches_its_application_whatever_it_dialled()
    {
        await using var h = await SipHostHarness.StartAsync(SipTestUser.Bob);
        h.App.Ncco("/answer", """[{"action":"talk","text":"Hello Bob, you are through."}]""");
        var rtpFirst = 10000 + (Random.Shared.Next(0, 450) * 20);
        // Our client picks SHA-256 from the two challenges, so this is the SHA-256 path (SIPp's REGISTER is the MD5 one).
        await using var phone = await TestSoftphone.CallAsync(h.Sip, "442079460123", rtpFirst, fromUser: "bob", credentials: new DigestCredentials("bob", "bobpw"));
        await phone.AnsweredAsync(Limit);
        Assert.Contains("algorithm=SHA-256", phone.Call!.Invite.Header("Authorization"), StringComparison.Ordinal);

        var answer = await h.App.WaitForAsync(w => w.Path == "/answer", Limit);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Query);
        Assert.Equal(("bob", "442079460123"), (query["from"].ToString(), query["to"].ToString()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task A_users_invite_without_the_right_password_is_refused_with_401(string? password)
    {
        await using var h = await SipHostHarness.StartAsync(SipTestUser.Bob);
        await using var phone = await TestSoftphone.CallAsync(h.Sip, SipHostHarness.Number, 10000 + (Random.Shared.Next(0, 450) * 20), fromUser: "bob",
            credentials: password is null ? null : new DigestCredentials("bob", password));
        var final = await phone.Call!.Completion.WaitAsync(Limit);
        Assert.Equal(401, final.StatusCode);
        Assert.DoesNotContain(h.App.All, w => w.Path == "/answer");
    }

    [Theory]
    [InlineData("Users:bob:Password", "")]
    [InlineData("Users:bob:Application", "not-a-uuid")]
    [InlineData("DigestAlgorithms:0", "SHA-512")]
    public void A_bad_user_setting_stops_startup_naming_it(string setting, string value)
    {
        var options = new SipOptions();
        options.Users["bob"] = new SipUserOptions { Password = "bobpw", Application = Guid.NewGuid().ToString() };
        switch (setting)
        {
            case "Users:bob:Password": options.Users["bob"].Password = value; break;
            case "Users:bob:Application": options.Users["bob"].Application = value; break;
            default: options.DigestAlgorithms = [value]; break;
        }
        var error = Assert.Throws<InvalidOperationException>(() => SipSettings.From(options));
        Assert.Contains($"Ncco:Sip:{setting.Split(':')[0]}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bobpw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Users_are_challenged_md5_first_in_the_hosts_domain_by_default()
    {
        var settings = SipSettings.From(new SipOptions { AdvertisedAddress = "203.0.113.7" });
        Assert.Equal(["MD5", "SHA-256"], settings.DigestAlgorithms);
        Assert.Equal("203.0.113.7", settings.Domain);
        Assert.Equal(["SHA-256"], SipSettings.From(new SipOptions { DigestAlgorithms = ["sha-256"] }).DigestAlgorithms);
    }
}
