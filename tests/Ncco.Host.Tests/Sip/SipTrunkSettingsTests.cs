using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.Legs.Sip;
using Ncco.Model.Endpoints;
using Ncco.Sip.Transport;

namespace Ncco.Host.Tests.Sip;

/// <summary><c>Ncco:Sip:Trunks</c>: checked at startup, E.164 normalisation, trunk choice and caller id (no network).</summary>
public sealed class SipTrunkSettingsTests
{
    private const string App = "0f3c3c43-54f4-4f3a-9c1e-2a1f3f0d7e11";
    private static readonly Ncco.Legs.LegOrigin Api = new(Ncco.Legs.LegOriginKind.Api, App, true, "api");
    private const string OtherApp = "7d1e5f0a-3b2c-4d5e-8f90-123456789abc";

    private static SipSettings Settings(params SipTrunkOptions[] trunks)
    {
        var options = new SipOptions { Trunks = [.. trunks] };
        options.Routes["447700900000"] = App;
        options.Routes["alice"] = App;
        options.Routes["15550100"] = OtherApp;
        return SipSettings.From(options);
    }

    [Theory]
    [InlineData("447700900123", "447700900123")]
    [InlineData("+44 7700-900123", "447700900123")]
    [InlineData(" +1 555 0100 ", "15550100")]
    public void Numbers_lose_plus_spaces_and_dashes(string number, string digits) => Assert.Equal(digits, E164.Normalize(number, out _));

    [Theory]
    [InlineData("44abc", "only digits")]
    [InlineData("4477@evil.example", "only digits")]
    [InlineData("447700900123;transport=tcp", "only digits")]
    [InlineData("++44", "only digits")]
    [InlineData("", "empty")]
    [InlineData("+", "1 to 15 digits")]
    [InlineData("1234567890123456", "1 to 15 digits")]
    public void Anything_else_is_refused_with_a_reason(string number, string reason)
    {
        Assert.Null(E164.Normalize(number, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trunk_defaults_to_udp_port_5060_serving_every_number_without_registering()
    {
        var trunk = Assert.Single(Settings(new SipTrunkOptions { Name = "carrier", Address = "sip.carrier.example" }).Trunks);
        Assert.Equal(("sip.carrier.example", 5060, SipTransportKind.Udp), (trunk.Host, trunk.Port, trunk.Transport));
        Assert.True(trunk.Serves("33123456789"));
        Assert.Null(trunk.Credentials);
        Assert.Null(trunk.RegisterExpiry);
        Assert.Equal("sip:447700900123@sip.carrier.example:5060", trunk.UriFor("447700900123").ToString());
    }

    [Fact]
    public void The_first_trunk_whose_prefix_matches_dials_with_the_digits_and_its_credentials()
    {
        var settings = Settings(
            new SipTrunkOptions { Name = "uk", Address = "192.0.2.1:5070", Transport = "tcp", Prefixes = ["44"], Username = "u", Password = "p" },
            new SipTrunkOptions { Name = "rest", Address = "192.0.2.2:5060", Prefixes = ["*"] });

        var uk = SipTrunkDialPlan.Target(settings, new PhoneEndpoint("+44 7700 900123") { DtmfAnswer = "1p2" }, "447700900000", SipTrunkDialPlan.NumbersOf(settings, App), Api, NullLogger.Instance);
        Assert.Equal("sip:447700900123@192.0.2.1:5070;transport=tcp", uk.Uri!.ToString());
        Assert.Equal(("uk", "u", "1p2"), (uk.Trunk, uk.Credentials!.Username, uk.DtmfAnswer));

        var other = SipTrunkDialPlan.Target(settings, new PhoneEndpoint("33123456789"), "447700900000", SipTrunkDialPlan.NumbersOf(settings, App), Api, NullLogger.Instance);
        Assert.Equal("sip:33123456789@192.0.2.2:5060", other.Uri!.ToString());
        Assert.Null(other.Credentials);
    }

    [Fact]
    public void No_matching_trunk_or_a_number_that_is_not_e164_fails_with_cannot_route()
    {
        var settings = Settings(new SipTrunkOptions { Name = "uk", Address = "192.0.2.1", Prefixes = ["44"] });
        var unserved = SipTrunkDialPlan.Target(settings, new PhoneEndpoint("33123456789"), null, SipTrunkDialPlan.NumbersOf(settings, App), Api, NullLogger.Instance);
        var hostile = SipTrunkDialPlan.Target(settings, new PhoneEndpoint("44@evil.example"), null, SipTrunkDialPlan.NumbersOf(settings, App), Api, NullLogger.Instance);
        Assert.Equal((null, "cannot_route"), (unserved.Uri, unserved.Failure));
        Assert.Equal((null, "cannot_route"), (hostile.Uri, hostile.Failure));
    }

    [Fact]
    public void Caller_id_is_the_forced_one_else_the_calls_from_else_an_application_number_else_the_trunk_default()
    {
        var plain = Settings(new SipTrunkOptions { Name = "t", Address = "192.0.2.1", DefaultCallerId = "+44 20 7946 0000" });
        string? CallerId(SipSettings s, string? from, string app) =>
            SipTrunkDialPlan.Target(s, new PhoneEndpoint("447700900123"), from, SipTrunkDialPlan.NumbersOf(s, app), Api, NullLogger.Instance).From?.Uri.User;

        Assert.Equal("447700900555", CallerId(plain, "+44 7700 900555", App));
        // No usable from (random_from_number): the application's own number, never its user name or another application's number.
        Assert.Equal("447700900000", CallerId(plain, null, App));
        Assert.Equal("447700900000", CallerId(plain, "alice", App));
        Assert.Equal(["447700900000"], SipTrunkDialPlan.NumbersOf(plain, App));
        // An application without numbers falls back to the trunk's default.
        Assert.Equal("442079460000", CallerId(plain, null, "11111111-2222-3333-4444-555555555555"));

        var forced = Settings(new SipTrunkOptions { Name = "t", Address = "192.0.2.1", ForceCallerId = "442079460001" });
        Assert.Equal("442079460001", CallerId(forced, "447700900555", App));
    }

    [Fact]
    public void A_trunk_places_calls_only_for_an_authenticated_origin_unless_it_allows_any()
    {
        var strict = Settings(new SipTrunkOptions { Name = "carrier", Address = "192.0.2.1" });
        var open = Settings(new SipTrunkOptions { Name = "lab", Address = "192.0.2.1", AllowUnauthenticatedOrigins = true });
        var stranger = new Ncco.Legs.LegOrigin(Ncco.Legs.LegOriginKind.Call, App, false, "sip:198.51.100.7") { ParentLegId = "leg-1" };
        var fromTrunk = new Ncco.Legs.LegOrigin(Ncco.Legs.LegOriginKind.Call, App, true, "trunk:carrier");
        var refusals = new List<string>();
        SipDialTarget Dial(SipSettings s, Ncco.Legs.LegOrigin? origin) =>
            SipTrunkDialPlan.Target(s, new PhoneEndpoint("447700900123"), null, [], origin, NullLogger.Instance, refusals.Add);

        Assert.NotNull(Dial(strict, Api).Uri);
        Assert.NotNull(Dial(strict, fromTrunk).Uri);
        var refused = Dial(strict, stranger);
        Assert.Equal((null, "restricted", "carrier"), (refused.Uri, refused.Failure, refused.Trunk));
        // A transport that does not say who asked is not trusted either.
        Assert.Null(Dial(strict, null).Uri);
        Assert.Equal(["unauthenticated_origin", "unauthenticated_origin"], refusals);
        Assert.NotNull(Dial(open, stranger).Uri);
        Assert.Equal(2, refusals.Count);
    }

    [Fact]
    public void The_numbers_the_host_keeps_for_the_application_are_its_caller_ids_when_it_keeps_any()
    {
        var settings = Settings(new SipTrunkOptions { Name = "t", Address = "192.0.2.1" });
        // The store (Numbers API) replaces the configured routes as the source: a number cancelled there is not used.
        Assert.Equal(["447700900777", "447700900888"], SipTrunkDialPlan.NumbersOf(settings, App, ["447700900888", "447700900777", "447700900888"]));
        Assert.Empty(SipTrunkDialPlan.NumbersOf(settings, App, []));
        var callerId = SipTrunkDialPlan.Target(settings, new PhoneEndpoint("33123456789"), null, ["447700900777"], Api, NullLogger.Instance).From?.Uri.User;
        Assert.Equal("447700900777", callerId);
    }

    [Theory]
    [InlineData("Name", "", "Ncco:Sip:Trunks:0:Name")]
    [InlineData("Address", "", "Ncco:Sip:Trunks:0:Address")]
    [InlineData("Address", "sip.example:99999", "Ncco:Sip:Trunks:0:Address")]
    [InlineData("Address", "user@sip.example", "Ncco:Sip:Trunks:0:Address")]
    [InlineData("Transport", "sctp", "Ncco:Sip:Trunks:0:Transport")]
    [InlineData("Prefixes", "4x", "Ncco:Sip:Trunks:0:Prefixes")]
    [InlineData("Register", "nocredentials", "Ncco:Sip:Trunks:0:Register")]
    [InlineData("RegisterExpires", "10", "Ncco:Sip:Trunks:0:RegisterExpires")]
    [InlineData("Password", "", "Ncco:Sip:Trunks:0:Password")]
    [InlineData("DefaultCallerId", "anonymous", "Ncco:Sip:Trunks:0:DefaultCallerId")]
    [InlineData("ForceCallerId", "44-abc", "Ncco:Sip:Trunks:0:ForceCallerId")]
    [InlineData("Srtp", "mandatory", "Ncco:Sip:Trunks:0:Srtp")]
    public void A_bad_trunk_setting_stops_startup_naming_it(string setting, string value, string named)
    {
        var trunk = new SipTrunkOptions { Name = "t", Address = "192.0.2.1:5060", Username = "user", Password = "s3cret-pw" };
        switch (setting)
        {
            case "Name": trunk.Name = value; break;
            case "Address": trunk.Address = value; break;
            case "Transport": trunk.Transport = value; break;
            case "Prefixes": trunk.Prefixes = [value]; break;
            case "Register": trunk.Register = true; trunk.Username = null; break;
            case "RegisterExpires": trunk.Register = true; trunk.RegisterExpires = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "Password": trunk.Password = value; break;
            case "DefaultCallerId": trunk.DefaultCallerId = value; break;
            case "ForceCallerId": trunk.ForceCallerId = value; break;
            case "Srtp": trunk.Srtp = value; break;
        }
        var error = Assert.Throws<InvalidOperationException>(() => SipSettings.From(new SipOptions { Trunks = [trunk] }));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Srtp_is_the_hosts_setting_unless_the_trunk_has_its_own_and_a_bad_value_stops_startup()
    {
        var settings = SipSettings.From(new SipOptions
        {
            Srtp = "offer",
            Trunks = [new SipTrunkOptions { Name = "plain", Address = "192.0.2.1" }, new SipTrunkOptions { Name = "secure", Address = "192.0.2.2", Srtp = "Require" }],
        });
        Assert.Equal(Ncco.Sip.Sdp.SrtpPolicy.Offer, settings.Srtp);
        Assert.Equal((null, Ncco.Sip.Sdp.SrtpPolicy.Require), (settings.Trunks[0].Srtp, settings.Trunks[1].Srtp));
        Assert.Equal(Ncco.Sip.Sdp.SrtpPolicy.Off, SipSettings.From(new SipOptions()).Srtp);
        var error = Assert.Throws<InvalidOperationException>(() => SipSettings.From(new SipOptions { Srtp = "sdes" }));
        Assert.Contains("Ncco:Sip:Srtp 'sdes'", error.Message, StringComparison.Ordinal);
        Assert.Contains("off, offer or require", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tls_trunk_is_dialled_with_sips_and_needs_the_tls_listener()
    {
        var trunk = new SipTrunkOptions { Name = "secure", Address = "192.0.2.1:5061", Transport = "tls" };
        var error = Assert.Throws<InvalidOperationException>(() => SipSettings.From(new SipOptions { Trunks = [trunk] }));
        Assert.Contains("Ncco:Sip:Trunks:0:Transport", error.Message, StringComparison.Ordinal);
        var settings = SipSettings.From(new SipOptions { Trunks = [trunk], Tls = new SipTlsListenerOptions { Enabled = true } });
        Assert.Equal("sips:447700900123@192.0.2.1:5061", settings.Trunks[0].UriFor("447700900123").ToString());
    }

    [Fact]
    public void Two_trunks_with_one_name_stop_startup()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SipSettings.From(new SipOptions
        {
            Trunks = [new SipTrunkOptions { Name = "t", Address = "192.0.2.1" }, new SipTrunkOptions { Name = "T", Address = "192.0.2.2" }],
        }));
        Assert.Contains("Ncco:Sip:Trunks:1:Name", error.Message, StringComparison.Ordinal);
    }
}
