using Microsoft.Extensions.DependencyInjection;
using Ncco.Calls;
using Ncco.Host.Dashboard;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>
/// Issue 15: an unknown NCCO property given over REST (<c>POST /v1/calls</c> <c>ncco</c>, <c>PUT /v1/calls/{uuid}</c>
/// transfer <c>destination.ncco</c>) is handled like one an answer webhook returns. By default it is ignored, the call
/// runs, and the warning naming its REST pointer is on the call's timeline (the dashboard's call log); with
/// <c>Ncco:Validation:Strict=true</c> the request is refused with 400 naming the pointer and nothing is created or changed.
/// </summary>
public sealed class RestNccoStrictnessTests
{
    private static readonly object[] TalkWithVoiceName = [new { action = "talk", text = "Hello there", voice_name = "Kimberly" }];

    private static async Task<Reply> CreateAsync(VoiceApiHarness h, object ncco) =>
        await h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            ncco,
        });

    private static List<string> Warnings(VoiceApiHarness h, string uuid) =>
        h.Host.Services.GetRequiredService<DashboardCallLogs>().Find(uuid)?.Entries
            .Where(e => e.Activity == VmActivity.Warning).Select(e => e.Text).ToList() ?? [];

    [Fact]
    public async Task By_default_an_unknown_property_in_a_REST_ncco_is_ignored_and_on_the_timeline()
    {
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");
        var reply = await CreateAsync(h, TalkWithVoiceName);
        Assert.True(reply.Status == 201, reply.ToString());
        var uuid = reply.Body.GetProperty("uuid").GetString()!;
        await h.App.WaitForStatusAsync(uuid, "completed");
        Assert.Contains(h.Dialer.Legs[uuid].Heard, x => x.Playback.Text == "Hello there");
        var warning = Assert.Single(Warnings(h, uuid));
        Assert.Contains("POST /v1/calls", warning, StringComparison.Ordinal);
        Assert.Contains("ncco[0].voice_name unknown-property", warning, StringComparison.Ordinal);
        Assert.Contains("ignored", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_default_an_unknown_property_in_a_transfer_ncco_is_ignored_and_on_the_timeline()
    {
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");
        var uuid = await h.CreateCallAsync(new object[] { new { action = "conversation", name = "hold-" + Guid.NewGuid() } });
        await h.App.WaitForStatusAsync(uuid, "answered");
        var reply = await h.SendAsync(HttpMethod.Put, "/v1/calls/" + uuid, new
        {
            action = "transfer",
            destination = new { type = "ncco", ncco = TalkWithVoiceName },
        });
        Assert.Equal(204, reply.Status);
        await h.App.WaitForStatusAsync(uuid, "completed");
        Assert.Contains(h.Dialer.Legs[uuid].Heard, x => x.Playback.Text == "Hello there");
        var warning = Assert.Single(Warnings(h, uuid));
        Assert.Contains("destination.ncco[0].voice_name unknown-property", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strict_validation_refuses_the_create_with_400_naming_the_pointer()
    {
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: ["--Ncco:Calls:RateLimitPerSecond=0", "--Ncco:Validation:Strict=true"]);
        var reply = await CreateAsync(h, TalkWithVoiceName);
        Assert.Equal(400, reply.Status);
        Assert.Equal(["ncco[0].voice_name"], reply.InvalidNames);
        Assert.Empty(h.Dialer.Legs);

        // An unknown member of a `to` endpoint is refused the same way, named by its REST field.
        var badTo = await h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001", dtmf_answer = "1" } },
            from = new { type = "phone", number = "447700900000" },
            ncco = new object[] { new { action = "talk", text = "Hi" } },
        });
        Assert.Equal(400, badTo.Status);
        Assert.Equal(["to[0].dtmf_answer"], badTo.InvalidNames);

        // Known properties with good values still pass.
        var good = await CreateAsync(h, new object[] { new { action = "talk", text = "Hi" } });
        Assert.True(good.Status == 201, good.ToString());
    }

    [Fact]
    public async Task Strict_validation_refuses_the_transfer_with_400_naming_the_pointer_and_the_call_goes_on()
    {
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: ["--Ncco:Calls:RateLimitPerSecond=0", "--Ncco:Validation:Strict=true"]);
        var uuid = await h.CreateCallAsync(new object[] { new { action = "conversation", name = "hold-" + Guid.NewGuid() } });
        await h.App.WaitForStatusAsync(uuid, "answered");
        var reply = await h.SendAsync(HttpMethod.Put, "/v1/calls/" + uuid, new
        {
            action = "transfer",
            destination = new { type = "ncco", ncco = TalkWithVoiceName },
        });
        Assert.Equal(400, reply.Status);
        Assert.Equal(["destination.ncco[0].voice_name"], reply.InvalidNames);
        Assert.Equal(204, (await h.SendAsync(HttpMethod.Put, "/v1/calls/" + uuid, new { action = "hangup" })).Status);
        await h.App.WaitForStatusAsync(uuid, "completed");
        Assert.DoesNotContain(h.Dialer.Legs[uuid].Heard, x => x.Playback.Text == "Hello there");
    }
}
