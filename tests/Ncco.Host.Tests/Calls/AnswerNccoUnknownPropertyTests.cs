using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ncco.Calls;
using Ncco.Host.Dashboard;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>
/// Issue 15 "NCCOs at run time", end to end in the host for an NCCO an answer webhook returns (the REST NCCOs are
/// <see cref="RestNccoStrictnessTests"/>; the VM's own rule is <c>Ncco.Vm.Tests/UnknownPropertyRunTests</c>): by
/// default a near miss such as <c>bargein</c> is ignored — the talk runs and is not made interruptible — and one
/// warning naming the pointer and the suggestion is in the host's log and on the call's dashboard timeline; with
/// <c>Ncco:Validation:Strict=true</c> the NCCO is refused and the fallback answer URL is asked instead.
/// </summary>
public sealed class AnswerNccoUnknownPropertyTests
{
    private const string NearMiss = """[{"action":"talk","text":"Hello from the answer url","bargein":true}]""";

    private static async Task<string> CallAsync(VoiceApiHarness h)
    {
        h.App.Ncco("/answer", NearMiss);
        var reply = await h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            answer_url = new[] { h.App.Url("answer").ToString() },
        });
        Assert.True(reply.Status == 201, reply.ToString());
        return reply.Body.GetProperty("uuid").GetString()!;
    }

    [Fact]
    public async Task By_default_a_near_miss_is_ignored_and_its_warning_is_in_the_log_and_on_the_dashboard()
    {
        var capture = new CapturingLoggerProvider();
        await using var h = await VoiceApiHarness.StartAsync(b => b.Logging.AddProvider(capture), extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");
        var uuid = await CallAsync(h);
        await h.App.WaitForStatusAsync(uuid, "completed");

        var talk = Assert.Single(h.Dialer.Legs[uuid].Heard).Playback;
        Assert.Equal("Hello from the answer url", talk.Text);
        Assert.False(talk.BargeIn); // never read as bargeIn: the host does not guess

        var timeline = h.Host.Services.GetRequiredService<DashboardCallLogs>().Find(uuid)!.Entries;
        var warning = Assert.Single(timeline, e => e.Activity == VmActivity.Warning).Text;
        Assert.Contains("/0/bargein", warning, StringComparison.Ordinal);
        Assert.Contains("did you mean \"bargeIn\"", warning, StringComparison.Ordinal);

        var logged = Assert.Single(capture.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("/0/bargein", StringComparison.Ordinal));
        Assert.Contains("did you mean \"bargeIn\"", logged.Message, StringComparison.Ordinal);
        Assert.False(h.App.All.Any(w => w.Path == "/fallback"), "a lenient NCCO must not go to the fallback URL");
    }

    [Fact]
    public async Task Strict_validation_refuses_the_answer_ncco_and_asks_the_fallback_url()
    {
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: ["--Ncco:Calls:RateLimitPerSecond=0", "--Ncco:Validation:Strict=true"]);
        h.App.Ncco("/fallback", """[{"action":"talk","text":"From the fallback"}]""");
        var uuid = await CallAsync(h);
        await h.App.WaitForAsync(w => w.Path == "/fallback");
        await h.App.WaitForStatusAsync(uuid, "completed");
        Assert.DoesNotContain(h.Dialer.Legs[uuid].Heard, x => x.Playback.Text == "Hello from the answer url");
        Assert.Contains(h.Dialer.Legs[uuid].Heard, x => x.Playback.Text == "From the fallback");
    }
}
