using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;
using Ncco.Host.Legs.Sip;

namespace Ncco.Host.Tests.Configuration;

public sealed class OptionsValidationTests
{
    private static async Task<OptionsValidationException> FailsToStart(params string[] args)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await TestHostFixture.StartAsync(extraArgs: args);
        });
        return error;
    }

    [Fact]
    public async Task An_unparsable_duration_is_one_failure_naming_the_key_and_the_format()
    {
        var error = await FailsToStart("--Ncco:Shutdown:DrainTimeout=banana");

        var failure = Assert.Single(error.Failures);
        Assert.Equal("Ncco:Shutdown:DrainTimeout 'banana' is not valid: it must be a duration written [d.]hh:mm:ss[.fff], such as 00:00:30 for 30 seconds.", failure);
    }

    [Fact]
    public async Task A_negative_rate_limit_is_named_with_its_rule()
    {
        var error = await FailsToStart("--Ncco:Calls:RateLimitPerSecond=-2");

        Assert.Equal("Ncco:Calls:RateLimitPerSecond is -2: it must be a number of calls per second, or 0 for no limit (default 3).", Assert.Single(error.Failures));
    }

    [Fact]
    public async Task A_misspelt_key_is_named_with_the_nearest_known_key()
    {
        var shutdown = await FailsToStart("--Ncco:Shutdown:DrainTimout=00:00:01");
        var calls = await FailsToStart("--ncco:calls:ratelimitpersecnd=5");

        Assert.Equal("Ncco:Shutdown:DrainTimout is not a setting of this version of Ncco; did you mean Ncco:Shutdown:DrainTimeout?", Assert.Single(shutdown.Failures));
        Assert.Equal("Ncco:calls:ratelimitpersecnd is not a setting of this version of Ncco; did you mean Ncco:calls:RateLimitPerSecond?", Assert.Single(calls.Failures));
    }

    [Fact]
    public async Task An_unknown_key_far_from_any_known_one_lists_what_is_known_there()
    {
        var error = await FailsToStart("--Ncco:Banana=1");

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("Ncco:Banana is not a setting of this version of Ncco (known under Ncco: Account, ", failure);
        Assert.Contains("Auth, Calls", failure);
        // Sections registered by the host's other parts are known at the top level too.
        Assert.Contains("Sip", failure);
        Assert.Contains("Shutdown", failure);
    }

    [Fact]
    public async Task Keys_inside_lists_and_maps_are_checked_against_their_element_type()
    {
        var error = await FailsToStart("--Ncco:Sip:Trunks:0:Name=carrier", "--Ncco:Sip:Trunks:0:Adress=127.0.0.1:5070",
            "--Ncco:Sip:Users:bob:Pasword=x", "--Ncco:Sip:Codecs:first=PCMU", "--Ncco:Sip:RtpPortFirst=ten");

        Assert.Contains("Ncco:Sip:Trunks:0:Adress is not a setting of this version of Ncco; did you mean Ncco:Sip:Trunks:0:Address?", error.Failures);
        Assert.Contains("Ncco:Sip:Users:bob:Pasword is not a setting of this version of Ncco; did you mean Ncco:Sip:Users:bob:Password?", error.Failures);
        Assert.Contains("Ncco:Sip:Codecs:first is not a setting: Ncco:Sip:Codecs is a list, indexed 0, 1, 2…", error.Failures);
        Assert.Contains("Ncco:Sip:RtpPortFirst 'ten' is not valid: it must be a whole number.", error.Failures);
    }

    [Fact]
    public async Task A_bad_value_of_a_setting_with_children_and_a_setting_below_a_value_are_both_reported()
    {
        var sip = await FailsToStart("--Ncco:Sip:Tls=on");
        var root = await FailsToStart("--Ncco:DataDirectory:Path=x");

        Assert.StartsWith("Ncco:Sip:Tls 'on' is not valid: it is a section (SipTlsListenerOptions); set its keys instead, such as Ncco:Sip:Tls:", Assert.Single(sip.Failures), StringComparison.Ordinal);
        Assert.Equal("Ncco:DataDirectory:Path is not a setting: Ncco:DataDirectory is a single value (text), not a section.", Assert.Single(root.Failures));
    }

    [Fact]
    public async Task Sip_rules_are_checked_at_start_when_sip_is_on_and_not_when_it_is_off()
    {
        var error = await FailsToStart("--Ncco:Sip:Enabled=true", "--Ncco:Sip:Listen=127.0.0.1:0", "--Ncco:Sip:Codecs:0=G729");
        Assert.Equal("Ncco:Sip:Codecs 'G729' is not valid: it must be PCMU, PCMA, G722 or OPUS.", Assert.Single(error.Failures));

        await using var off = await TestHostFixture.StartAsync(extraArgs: ["--Ncco:Sip:Enabled=false", "--Ncco:Sip:Codecs:0=G729"]);
        Assert.False(off.Services.GetRequiredService<IOptions<SipOptions>>().Value.Enabled);
    }

    [Fact]
    public async Task A_non_boolean_enabled_switch_keeps_sip_off_and_fails_the_start()
    {
        var error = await FailsToStart("--Ncco:Sip:Enabled=yes");

        Assert.Equal("Ncco:Sip:Enabled 'yes' is not valid: it must be true or false.", Assert.Single(error.Failures));
    }

    [Fact]
    public async Task A_conversation_limit_below_one_is_named_with_its_rule()
    {
        var error = await FailsToStart("--Ncco:Calls:MaxConversationParticipants=0");

        Assert.Equal("Ncco:Calls:MaxConversationParticipants is 0: it must be a number of participants, 1 or more (default 50).", Assert.Single(error.Failures));
    }

    [Fact]
    public async Task An_answer_reserve_not_below_the_webhook_bound_is_named_with_its_rule()
    {
        var error = await FailsToStart("--Ncco:Webhooks:MaxConcurrency=8", "--Ncco:Webhooks:AnswerReserve=8");

        Assert.Equal("Ncco:Webhooks:AnswerReserve is 8: it must be 0 or more and less than Ncco:Webhooks:MaxConcurrency (8); default a quarter of it.",
            Assert.Single(error.Failures));
    }

    /// <remarks>Each options type reports all of its own problems; the first type read at start fails the start.</remarks>
    [Fact]
    public async Task Several_problems_of_one_section_are_all_reported_at_once()
    {
        var error = await FailsToStart("--Ncco:Webhooks:MaxConcurrency=0", "--Ncco:Media:Workers=99", "--Ncco:PublicUrl=ftp://x");

        Assert.Contains("Ncco:Webhooks:MaxConcurrency is 0: it must be at least 1 (default 256).", error.Failures);
        Assert.Contains("Ncco:Media:Workers is 99: must be 0 (one per processor) to 64.", error.Failures);
        Assert.Contains("Ncco:PublicUrl 'ftp://x' is not valid: it must be an absolute http or https URL.", error.Failures);
    }

    [Fact]
    public async Task Every_failing_section_is_reported_at_once_not_only_the_first_one_read()
    {
        // Issue 18: each of these sections is read by a different service (the host's shutdown timeout, the SIP
        // gateway, the sign-in throttle, the demo); all five must be in the one failure.
        var error = await FailsToStart("--Ncco:Shutdown:DrainTimeout=banana", "--Ncco:Sip:Enabled=true", "--Ncco:Sip:Listen=127.0.0.1:0", "--Ncco:Sip:Bogus=1",
            "--Ncco:Auth:FailedSignInsPerMinute=-3", "--Ncco:Demo:EchoDelay=zz", "--Ncco:Limits:MaxConcurrentCalls=abc");

        Assert.Contains(error.Failures, f => f.StartsWith("Ncco:Shutdown:DrainTimeout 'banana' is not valid", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Ncco:Sip:Bogus is not a setting", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Ncco:Auth:FailedSignInsPerMinute", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Ncco:Demo:EchoDelay 'zz' is not valid", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Ncco:Limits:MaxConcurrentCalls 'abc' is not valid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_documented_key_with_its_documented_kind_of_value_starts()
    {
        await using var host = await TestHostFixture.StartAsync(extraArgs:
        [
            "--Ncco:PublicUrl=http://127.0.0.1:9", "--Ncco:Calls:RateLimitPerSecond=0.5", "--Ncco:Webhooks:MaxConcurrency=8",
            "--Ncco:Webhooks:DefaultConnectTimeoutMs=500", "--Ncco:Webhooks:MaxResponseBytes=2048", "--Ncco:Media:Workers=1",
            "--Ncco:Media:TtsCacheMegabytes=0", "--Ncco:Demo:Enabled=false", "--Ncco:Dashboard:AllowRemote=false",
            "--Ncco:Sip:Trunks:0:Name=carrier", "--Ncco:Sip:Trunks:0:Prefixes:0=44", "--Ncco:Sip:Routes:alice=d3e40000-0000-4000-8000-000000000001",
            "--Ncco:Shutdown:DrainTimeout=",
        ]);

        var options = host.Services.GetRequiredService<IOptions<NccoHostOptions>>().Value;
        Assert.Equal(0.5, options.Calls.RateLimitPerSecond);
        Assert.Equal(2048, options.Webhooks.MaxResponseBytes);
    }

    [Theory]
    [InlineData("DrainTimout", "DrainTimeout")]
    [InlineData("drain-timeout", "DrainTimeout")]
    [InlineData("Listn", "Listen")]
    [InlineData("Banana", null)]
    [InlineData("Tls", null)]
    public void Suggestions_are_for_likely_typos_only(string key, string? expected) =>
        Assert.Equal(expected, NccoConfigurationCheck.Nearest(key, ["DrainTimeout", "Listen", "Codecs"]));
}
