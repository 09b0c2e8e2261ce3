using Ncco.Host.Tests.Support;
using Ncco.Legs;

namespace Ncco.Host.Tests.Calls;

/// <summary>Live-call control: <c>PUT /v1/calls/{uuid}</c>, talk, stream, dtmf and DTMF subscriptions.</summary>
public sealed class CallControlApiTests : IAsyncLifetime
{
    private VoiceApiHarness _h = null!;

    public async Task InitializeAsync() => _h = await VoiceApiHarness.StartAsync(extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>A call that stays up (a conversation nobody else joins) until the test ends it.</summary>
    private async Task<string> LiveCallAsync()
    {
        var uuid = await _h.CreateCallAsync(new object[] { new { action = "conversation", name = "hold-" + Guid.NewGuid() } });
        await _h.App.WaitForStatusAsync(uuid, "answered");
        return uuid;
    }

    private Task<Reply> Put(string path, object body) => _h.SendAsync(HttpMethod.Put, path, body);

    [Fact]
    public async Task Mute_unmute_earmuff_unearmuff_answer_204_and_hangup_completes_the_call()
    {
        var uuid = await LiveCallAsync();
        foreach (var action in new[] { "mute", "unmute", "earmuff", "unearmuff" })
        {
            var reply = await Put("/v1/calls/" + uuid, new { action });
            Assert.True(reply.Status == 204, action + ": " + reply);
        }
        Assert.Equal(204, (await Put("/v1/calls/" + uuid, new { action = "hangup" })).Status);
        var completed = (await _h.App.WaitForStatusAsync(uuid, "completed")).Json!.Value;
        Assert.Equal("platform", completed.GetProperty("disconnected_by").GetString());

        Assert.Equal(404, (await Put("/v1/calls/" + uuid, new { action = "hangup" })).Status);
    }

    [Fact]
    public async Task Transfer_to_an_inline_ncco_runs_it_and_raises_a_transfer_event()
    {
        var uuid = await LiveCallAsync();
        var reply = await Put("/v1/calls/" + uuid, new
        {
            action = "transfer",
            destination = new { type = "ncco", ncco = new object[] { new { action = "talk", text = "You were transferred" } } },
        });
        Assert.Equal(204, reply.Status);
        await _h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("conversation_uuid_to", out _));
        await _h.App.WaitForStatusAsync(uuid, "completed");
        Assert.True(_h.Dialer.Legs[uuid].Heard.Any(h => h.Playback.Text == "You were transferred"), string.Join("\n", _h.App.All.Select(w => w.Path + " " + w.Body)));
    }

    [Fact]
    public async Task Transfer_to_a_url_fetches_the_ncco()
    {
        _h.App.Ncco("/transfer-here", """[{"action":"talk","text":"Fetched on transfer"}]""");
        var uuid = await LiveCallAsync();
        var reply = await Put("/v1/calls/" + uuid, new { action = "transfer", destination = new { type = "ncco", url = new[] { _h.App.Url("transfer-here").ToString() } } });
        Assert.Equal(204, reply.Status);
        await _h.App.WaitForStatusAsync(uuid, "completed");
        Assert.Contains(_h.Dialer.Legs[uuid].Heard, h => h.Playback.Text == "Fetched on transfer");
    }

    [Fact]
    public async Task Bad_modify_bodies_name_the_field()
    {
        var uuid = await LiveCallAsync();
        Assert.Equal(["action"], (await Put("/v1/calls/" + uuid, new { action = "explode" })).InvalidNames);
        Assert.Equal(["destination"], (await Put("/v1/calls/" + uuid, new { action = "transfer" })).InvalidNames);
        Assert.Equal(["destination.type"], (await Put("/v1/calls/" + uuid, new { action = "transfer", destination = new { type = "app", ncco = new object[] { new { action = "talk", text = "x" } } } })).InvalidNames);
        Assert.Equal(["destination.url"], (await Put("/v1/calls/" + uuid, new { action = "transfer", destination = new { type = "ncco", url = new[] { "ftp://x" } } })).InvalidNames);
        var badNcco = await Put("/v1/calls/" + uuid, new { action = "transfer", destination = new { type = "ncco", ncco = new object[] { new { action = "talk", text = "x", loop = -1 } } } });
        Assert.Equal(["destination.ncco[0].loop"], badNcco.InvalidNames);
        Assert.Equal(404, (await Put("/v1/calls/" + Guid.NewGuid(), new { action = "hangup" })).Status);
    }

    [Fact]
    public async Task Talk_starts_and_stops_with_the_documented_messages()
    {
        var uuid = await LiveCallAsync();
        var started = await Put($"/v1/calls/{uuid}/talk", new { text = "Your call is important to us", language = "en-GB", style = 1, loop = 0, level = "0.5" });
        Assert.Equal(200, started.Status);
        Assert.Equal("Talk started", started.Body.GetProperty("message").GetString());
        Assert.Equal(uuid, started.Body.GetProperty("uuid").GetString());
        var leg = _h.Dialer.Legs[uuid];
        var talk = Assert.Single(leg.Heard, h => h.Playback.Kind == PlaybackKind.Talk);
        Assert.Equal(("en-GB", 1, 0, 0.5), (talk.Playback.Language, talk.Playback.Style, talk.Playback.Loop, talk.Playback.Level));

        var stopped = await _h.SendAsync(HttpMethod.Delete, $"/v1/calls/{uuid}/talk");
        Assert.Equal("Talk stopped", stopped.Body.GetProperty("message").GetString());
        Assert.NotNull(talk.StoppedAt);
    }

    [Fact]
    public async Task Talk_accepts_the_legacy_voice_name_and_rejects_bad_fields_by_name()
    {
        var uuid = await LiveCallAsync();
        Assert.Equal(200, (await Put($"/v1/calls/{uuid}/talk", new { text = "Hallo", voice_name = "Marlene" })).Status);
        Assert.Equal("de-DE", _h.Dialer.Legs[uuid].Heard.Last().Playback.Language);

        var bad = await Put($"/v1/calls/{uuid}/talk", new { text = "x", language = "xx-XX", loop = -2, level = 3 });
        Assert.Equal(400, bad.Status);
        Assert.Equal(["language", "level", "loop"], bad.InvalidNames.Order());
        Assert.Equal(["text"], (await Put($"/v1/calls/{uuid}/talk", new { language = "en-GB" })).InvalidNames);
    }

    [Fact]
    public async Task Stream_and_dtmf_play_into_the_call()
    {
        var uuid = await LiveCallAsync();
        var stream = await Put($"/v1/calls/{uuid}/stream", new { stream_url = new[] { "https://example.com/music.mp3" }, loop = 2 });
        Assert.Equal("Stream started", stream.Body.GetProperty("message").GetString());
        Assert.Equal("Stream stopped", (await _h.SendAsync(HttpMethod.Delete, $"/v1/calls/{uuid}/stream")).Body.GetProperty("message").GetString());
        Assert.Equal(["stream_url[0]"], (await Put($"/v1/calls/{uuid}/stream", new { stream_url = new[] { "not a url" } })).InvalidNames);

        var dtmf = await Put($"/v1/calls/{uuid}/dtmf", new { digits = "12p#" });
        Assert.Equal("DTMF sent", dtmf.Body.GetProperty("message").GetString());
        Assert.Contains(_h.Dialer.Legs[uuid].Heard, h => h.Playback.Kind == PlaybackKind.Dtmf && h.Playback.Text == "12p#");
        Assert.Equal(["digits"], (await Put($"/v1/calls/{uuid}/dtmf", new { digits = "12a" })).InvalidNames);
        Assert.Equal(["digits"], (await Put($"/v1/calls/{uuid}/dtmf", new { digits = "" })).InvalidNames);
    }

    [Fact]
    public async Task Subscribed_dtmf_goes_to_the_given_url_until_unsubscribed()
    {
        var uuid = await LiveCallAsync();
        var subscribed = await Put($"/v1/calls/{uuid}/input/dtmf", new { event_url = new[] { _h.App.Url("keys").ToString() } });
        Assert.Equal(200, subscribed.Status);
        _h.Dialer.Legs[uuid].Press("7");
        var key = await _h.App.WaitForAsync(w => w.Path == "/keys");
        Assert.Contains("\"7\"", key.Body);

        Assert.Equal(200, (await _h.SendAsync(HttpMethod.Delete, $"/v1/calls/{uuid}/input/dtmf")).Status);
        Assert.Equal(["event_url"], (await Put($"/v1/calls/{uuid}/input/dtmf", new { })).InvalidNames);
    }

    [Fact]
    public async Task Talk_into_a_call_that_is_not_answered_yet_is_a_400()
    {
        var reply = await _h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "15554080002" } },
            from = new { type = "phone", number = "447700900000" },
            ncco = new object[] { new { action = "talk", text = "x" } },
        });
        var uuid = reply.Body.GetProperty("uuid").GetString()!;
        var talk = await Put($"/v1/calls/{uuid}/talk", new { text = "too early" });
        Assert.Equal(400, talk.Status);
        Assert.Contains("not answered", talk.Body.GetProperty("detail").GetString());
        await Put("/v1/calls/" + uuid, new { action = "hangup" });
    }
}
