using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary><c>/v1/calls</c>: creating, reading and listing calls over real webhooks.</summary>
public sealed class CallsApiTests : IAsyncLifetime
{
    private VoiceApiHarness _h = null!;

    public async Task InitializeAsync() => _h = await VoiceApiHarness.StartAsync(extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static readonly object[] Hello = [new { action = "talk", text = "Hello" }];

    [Fact]
    public async Task Create_with_inline_ncco_answers_201_and_the_events_reach_the_event_webhook()
    {
        var reply = await _h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            ncco = Hello,
        });

        Assert.Equal(201, reply.Status);
        var uuid = reply.Body.GetProperty("uuid").GetString()!;
        Assert.Equal("started", reply.Body.GetProperty("status").GetString());
        Assert.Equal("outbound", reply.Body.GetProperty("direction").GetString());
        Assert.StartsWith("CON-", reply.Body.GetProperty("conversation_uuid").GetString());
        Assert.Equal("/v1/calls/" + uuid, reply.Headers.Location?.ToString());

        foreach (var status in new[] { "started", "ringing", "answered", "completed" }) await _h.App.WaitForStatusAsync(uuid, status);
        var heard = Assert.Single(_h.Dialer.Legs[uuid].Heard);
        Assert.Equal("Hello", heard.Playback.Text);

        var call = await WaitForGetAsync(uuid, "completed");
        Assert.Equal(uuid, call.GetProperty("uuid").GetString());
        Assert.Equal("/v1/calls/" + uuid, call.GetProperty("_links").GetProperty("self").GetProperty("href").GetString());
        Assert.Equal("phone", call.GetProperty("to").GetProperty("type").GetString());
        Assert.Equal("447700900001", call.GetProperty("to").GetProperty("number").GetString());
        Assert.Equal("447700900000", call.GetProperty("from").GetProperty("number").GetString());
        Assert.Equal("outbound", call.GetProperty("direction").GetString());
        foreach (var field in new[] { "rate", "price", "duration", "start_time", "end_time", "network" }) Assert.True(call.TryGetProperty(field, out _), field);
        Assert.EndsWith("Z", call.GetProperty("end_time").GetString());
    }

    [Fact]
    public async Task Create_with_answer_url_fetches_the_ncco_from_it()
    {
        _h.App.Ncco("/outbound-answer", """[{"action":"talk","text":"From the answer url"}]""");
        var reply = await _h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900002" } },
            from = new { type = "phone", number = "447700900000" },
            answer_url = new[] { _h.App.Url("outbound-answer").ToString() },
        });
        Assert.Equal(201, reply.Status);
        var uuid = reply.Body.GetProperty("uuid").GetString()!;

        var answer = await _h.App.WaitForAsync(w => w.Path == "/outbound-answer");
        Assert.Equal("GET", answer.Method);
        Assert.Contains("uuid=" + uuid, answer.Query);
        await _h.App.WaitForStatusAsync(uuid, "completed");
        Assert.Equal("From the answer url", Assert.Single(_h.Dialer.Legs[uuid].Heard).Playback.Text);
    }

    [Fact]
    public async Task Busy_and_unanswered_destinations_end_with_their_status_and_sip_code()
    {
        var busy = await _h.CreateCallAsync(Hello, number: "15554860001");
        var e = (await _h.App.WaitForStatusAsync(busy, "busy")).Json!.Value;
        Assert.Equal(486, e.GetProperty("sip_code").GetInt32());

        var reply = await _h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "15554080001" } },
            from = new { type = "phone", number = "447700900000" },
            ncco = Hello,
            ringing_timer = "1",
        });
        Assert.Equal(201, reply.Status);
        await _h.App.WaitForStatusAsync(reply.Body.GetProperty("uuid").GetString()!, "timeout");
    }

    [Fact]
    public async Task Every_invalid_field_of_a_create_request_is_named()
    {
        var reply = await _h.SendRawAsync(HttpMethod.Post, "/v1/calls", """
            {"to":[{"type":"websocket","uri":"http://not-a-socket","content-type":"audio/l16;rate=8000"}],
             "ncco":[{"action":"talk"}],
             "length_timer":0, "ringing_timer":"abc", "answer_method":"PATCH"}
            """);

        Assert.Equal(400, reply.Status);
        var names = reply.InvalidNames;
        Assert.Contains("to[0].uri", names);
        Assert.Contains("from", names);
        Assert.Contains(reply.Body.GetProperty("invalid_parameters").EnumerateArray(), p => p.GetProperty("name").GetString()!.StartsWith("ncco[0]", StringComparison.Ordinal) && p.GetProperty("reason").GetString()!.Contains("text", StringComparison.Ordinal));
        Assert.Contains("length_timer", names);
        Assert.Contains("ringing_timer", names);
        Assert.Contains("answer_method", names);
        Assert.All(reply.Body.GetProperty("invalid_parameters").EnumerateArray(), p => Assert.False(string.IsNullOrEmpty(p.GetProperty("reason").GetString())));
        Assert.Equal(reply.Body.GetProperty("instance").GetString(), reply.Headers.GetValues("x-nexmo-trace-id").Single());
    }

    [Fact]
    public async Task Ncco_and_answer_url_are_mutually_exclusive_and_one_is_required()
    {
        var both = await _h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            ncco = Hello,
            answer_url = new[] { "https://example.com/answer" },
        });
        Assert.Equal(400, both.Status);
        Assert.Contains("ncco", both.InvalidNames);

        var neither = await _h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            random_from_number = true,
        });
        Assert.Equal(400, neither.Status);
        Assert.Contains("ncco", neither.InvalidNames);
    }

    [Fact]
    public async Task Malformed_json_and_wrong_content_type_are_refused_clearly()
    {
        var malformed = await _h.SendRawAsync(HttpMethod.Post, "/v1/calls", "{\"to\": [");
        Assert.Equal(400, malformed.Status);
        Assert.EndsWith("#invalid-json", malformed.Body.GetProperty("type").GetString());

        var text = await _h.SendRawAsync(HttpMethod.Post, "/v1/calls", "{}", contentType: "text/plain");
        Assert.Equal(415, text.Status);
    }

    [Fact]
    public async Task Unknown_and_foreign_calls_are_not_found()
    {
        Assert.Equal(404, (await _h.SendAsync(HttpMethod.Get, "/v1/calls/" + Guid.NewGuid())).Status);

        var uuid = await _h.CreateCallAsync(Hello);
        var (otherId, otherKey) = await VoiceApiHarness.CreateApplicationAsync(_h.Host, _h.App, name: "other");
        var otherToken = ApplicationJwt.Mint(otherId, otherKey, _h.Host.Time.GetUtcNow());
        Assert.Equal(404, (await _h.SendAsync(HttpMethod.Get, "/v1/calls/" + uuid, token: otherToken)).Status);
        Assert.Equal(404, (await _h.SendAsync(HttpMethod.Put, "/v1/calls/" + uuid, new { action = "hangup" }, ApplicationJwt.Mint(otherId, otherKey, _h.Host.Time.GetUtcNow()))).Status);
    }

    [Fact]
    public async Task The_list_pages_with_hal_links_and_filters()
    {
        var uuids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var uuid = await _h.CreateCallAsync(Hello);
            await _h.App.WaitForStatusAsync(uuid, "completed");
            uuids.Add(uuid);
        }

        var page = await _h.SendAsync(HttpMethod.Get, "/v1/calls?page_size=1&record_index=1");
        Assert.Equal(200, page.Status);
        Assert.Equal(3, page.Body.GetProperty("count").GetInt32());
        Assert.Equal(1, page.Body.GetProperty("page_size").GetInt32());
        Assert.Equal(1, page.Body.GetProperty("record_index").GetInt32());
        var links = page.Body.GetProperty("_links");
        Assert.Equal("/v1/calls?page_size=1&record_index=1", links.GetProperty("self").GetProperty("href").GetString());
        Assert.Equal("/v1/calls?page_size=1", links.GetProperty("first").GetProperty("href").GetString());
        Assert.Equal("/v1/calls?page_size=1&record_index=2", links.GetProperty("last").GetProperty("href").GetString());
        Assert.Equal("/v1/calls?page_size=1&record_index=2", links.GetProperty("next").GetProperty("href").GetString());
        Assert.Equal("/v1/calls?page_size=1", links.GetProperty("prev").GetProperty("href").GetString());
        Assert.Equal(uuids[1], Assert.Single(page.Body.GetProperty("_embedded").GetProperty("calls").EnumerateArray()).GetProperty("uuid").GetString());

        var desc = await _h.SendAsync(HttpMethod.Get, "/v1/calls?order=desc&status=completed");
        Assert.Equal(uuids.AsEnumerable().Reverse(), desc.Body.GetProperty("_embedded").GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("uuid").GetString()));

        var conversation = (await _h.SendAsync(HttpMethod.Get, "/v1/calls/" + uuids[0])).Body.GetProperty("conversation_uuid").GetString();
        var byConversation = await _h.SendAsync(HttpMethod.Get, "/v1/calls?conversation_uuid=" + conversation);
        Assert.Equal(1, byConversation.Body.GetProperty("count").GetInt32());

        var future = await _h.SendAsync(HttpMethod.Get, "/v1/calls?date_start=2099-01-01T00:00:00Z");
        Assert.Equal(0, future.Body.GetProperty("count").GetInt32());

        var bad = await _h.SendAsync(HttpMethod.Get, "/v1/calls?page_size=101&order=sideways&status=nope&date_end=yesterday");
        Assert.Equal(400, bad.Status);
        Assert.Equal(["status", "date_end", "page_size", "order"], bad.InvalidNames);
    }

    [Fact]
    public async Task Calls_and_their_event_history_survive_a_restart()
    {
        var uuid = await _h.CreateCallAsync(Hello);
        await _h.App.WaitForStatusAsync(uuid, "completed");
        await WaitForGetAsync(uuid, "completed");
        // The webhook reached the app before the host recorded its outcome: wait for the journal to catch up.
        IReadOnlyList<Ncco.Host.Calls.CallEventRecord> events = [];
        for (var i = 0; i < 100 && events.Count < 4; i++)
        {
            await _h.Host.Services.GetRequiredService<Ncco.Host.Calls.CallJournal>().FlushAsync(CancellationToken.None);
            events = await _h.Calls.EventsAsync(uuid, CancellationToken.None);
            if (events.Count < 4) await Task.Delay(20);
        }
        Assert.Equal(["started", "ringing", "answered", "completed"], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Contains(uuid, e.Payload));

        var directory = _h.Host.DataDirectory;
        await _h.Host.DisposeAsync();
        await using var restarted = await TestHostFixture.StartAsync(directory);
        var call = await restarted.Services.GetRequiredService<Ncco.Host.Calls.ICallRepository>().FindAsync(uuid, CancellationToken.None);
        Assert.NotNull(call);
        Assert.Equal("completed", call.Status);
    }

    private async Task<JsonElement> WaitForGetAsync(string uuid, string status)
    {
        for (var i = 0; i < 100; i++)
        {
            var reply = await _h.SendAsync(HttpMethod.Get, "/v1/calls/" + uuid);
            if (reply.Status == 200 && reply.Body.GetProperty("status").GetString() == status) return reply.Body;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Call {uuid} never reached {status}.");
    }
}
