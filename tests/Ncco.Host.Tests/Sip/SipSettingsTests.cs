using Ncco.Host.Legs.Sip;
using Ncco.Sip.Sdp;

namespace Ncco.Host.Tests.Sip;

/// <summary>Bad <c>Ncco:Sip</c> settings stop the host with an error that names the setting.</summary>
public sealed class SipSettingsTests
{
    [Fact]
    public void Defaults_listen_on_loopback_5060_with_pcmu_pcma_g722_and_telephone_events()
    {
        var settings = SipSettings.From(new SipOptions());
        Assert.Equal("127.0.0.1:5060", settings.Listen.ToString());
        Assert.Equal("127.0.0.1", settings.AdvertisedAddress);
        Assert.Equal([SdpCodec.Pcmu, SdpCodec.Pcma, SdpCodec.G722], settings.Codecs); // Opus is opt-in (its CPU cost)
        Assert.True(settings.TelephoneEvents);
        Assert.Equal((10000, 20000), (settings.RtpPorts.First, settings.RtpPorts.Last));
    }

    [Fact]
    public void A_wildcard_listen_address_advertises_loopback_unless_an_address_is_given()
    {
        Assert.Equal("127.0.0.1", SipSettings.From(new SipOptions { Listen = "0.0.0.0:5060" }).AdvertisedAddress);
        Assert.Equal("203.0.113.7", SipSettings.From(new SipOptions { Listen = "0.0.0.0:5060", AdvertisedAddress = "203.0.113.7" }).AdvertisedAddress);
    }

    [Theory]
    [InlineData("Listen", "Ncco:Sip:Listen")]
    [InlineData("Codecs", "Ncco:Sip:Codecs")]
    [InlineData("Ports", "Ncco:Sip:RtpPortFirst/RtpPortLast")]
    [InlineData("Route", "Ncco:Sip:Routes:alice")]
    [InlineData("Advertised", "Ncco:Sip:AdvertisedAddress")]
    public void A_bad_setting_is_named_in_the_error(string which, string named)
    {
        var options = which switch
        {
            "Listen" => new SipOptions { Listen = "localhost" },
            "Codecs" => new SipOptions { Codecs = ["PCMU", "G729"] },
            "Ports" => new SipOptions { RtpPortFirst = 30000, RtpPortLast = 20000 },
            "Route" => new SipOptions { Routes = new() { ["alice"] = "not-a-uuid" } },
            _ => new SipOptions { AdvertisedAddress = "bad host;x" },
        };
        var error = Assert.Throws<InvalidOperationException>(() => SipSettings.From(options));
        Assert.StartsWith(named + " ", error.Message);
    }

    [Fact]
    public void Codecs_are_read_in_the_given_order_case_insensitively_without_duplicates()
    {
        var settings = SipSettings.From(new SipOptions { Codecs = ["opus", " G722 ", "pcmu", "OPUS"] });
        Assert.Equal([SdpCodec.Opus, SdpCodec.G722, SdpCodec.Pcmu], settings.Codecs);
        var error = Assert.Throws<InvalidOperationException>(() => SipSettings.From(new SipOptions { Codecs = ["speex"] }));
        Assert.Equal("Ncco:Sip:Codecs 'speex' is not valid: it must be PCMU, PCMA, G722 or OPUS.", error.Message);
    }

    [Fact]
    public void A_trunk_may_have_its_own_codecs_and_a_bad_one_names_the_trunk()
    {
        var settings = SipSettings.From(new SipOptions
        {
            Codecs = ["PCMU"],
            Trunks = [new SipTrunkOptions { Name = "carrier", Address = "192.0.2.1", Codecs = ["PCMA", "OPUS"] }, new SipTrunkOptions { Name = "pbx", Address = "192.0.2.2" }],
        });
        Assert.Equal([SdpCodec.Pcma, SdpCodec.Opus], settings.Trunks[0].Codecs);
        Assert.Null(settings.Trunks[1].Codecs); // the host's
        var error = Assert.Throws<InvalidOperationException>(() => SipSettings.From(new SipOptions
        {
            Trunks = [new SipTrunkOptions { Name = "carrier", Address = "192.0.2.1", Codecs = ["G729"] }],
        }));
        Assert.StartsWith("Ncco:Sip:Trunks:0:Codecs 'G729' is not valid", error.Message, StringComparison.Ordinal);
    }
}
