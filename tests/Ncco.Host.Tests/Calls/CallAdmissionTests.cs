using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ncco.Host.Calls;
using Ncco.Host.Configuration;
using Ncco.Host.Observability;
using Ncco.Host.Tests.Operations;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>Issue 16: <c>Ncco:Limits</c> — the concurrent-call cap and the per-source token bucket.</summary>
public sealed class CallAdmissionTests
{
    private static (CallAdmission Admission, FakeLiveCalls Live, FakeTimeProvider Time) Create(int maxCalls, double perSource, int maxSources = 10_000)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var live = new FakeLiveCalls();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new NccoHostOptions { Limits = new LimitsOptions { MaxConcurrentCalls = maxCalls, CallsPerSecondPerSource = perSource, MaxTrackedSources = maxSources } });
        return (new CallAdmission(options, live, new NccoMetrics(services.GetRequiredService<IMeterFactory>()), time), live, time);
    }

    [Fact]
    public void At_the_concurrent_cap_every_new_call_waits_and_below_it_calls_pass_again()
    {
        var (admission, live, _) = Create(maxCalls: 2, perSource: 0);
        live.SetActive(2);
        Assert.False(admission.TryAdmit("192.0.2.1", "sip", out var wait));
        Assert.True(wait >= TimeSpan.FromSeconds(1));
        Assert.False(admission.TryAdmit(null, "rest", out _));
        live.SetActive(1);
        Assert.True(admission.TryAdmit("192.0.2.1", "sip", out _));
    }

    [Fact]
    public void A_source_gets_its_burst_then_one_call_per_token_while_other_sources_are_unaffected()
    {
        var (admission, _, time) = Create(maxCalls: 0, perSource: 5);
        for (var i = 0; i < 5; i++) Assert.True(admission.TryAdmit("192.0.2.1", "sip", out _));
        Assert.False(admission.TryAdmit("192.0.2.1", "sip", out var wait));
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        Assert.True(admission.TryAdmit("192.0.2.2", "sip", out _));
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(admission.TryAdmit("192.0.2.1", "sip", out _));
        Assert.False(admission.TryAdmit("192.0.2.1", "sip", out _));
        // REST calls have no source address: only the cap applies.
        for (var i = 0; i < 50; i++) Assert.True(admission.TryAdmit(null, "rest", out _));
    }

    [Fact]
    public void Tracking_a_flood_of_source_addresses_stays_bounded_and_keeps_working()
    {
        var (admission, _, time) = Create(maxCalls: 0, perSource: 1, maxSources: 100);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(admission.TryAdmit("10.0." + (i / 256) + "." + (i % 256), "sip", out _));
            if (i % 1000 == 0) time.Advance(TimeSpan.FromMilliseconds(1));
        }
        Assert.False(admission.TryAdmit("10.0.39.15", "sip", out _));
    }

    [Fact]
    public async Task Over_the_cap_post_v1_calls_answers_503_with_retry_after_and_a_body_naming_the_limit()
    {
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: "--Ncco:Limits:MaxConcurrentCalls=1");
        await h.CreateCallAsync(new object[] { new { action = "talk", text = "hold on", loop = 0 } });
        var reply = await h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900002" } },
            from = new { type = "phone", number = "447700900000" },
            ncco = new object[] { new { action = "talk", text = "second" } },
        });
        Assert.Equal(503, reply.Status);
        Assert.Contains("MaxConcurrentCalls", reply.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(int.Parse(reply.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }
}
