using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ncco.Model;
using Ncco.Testing;
using Ncco.Testing.Hosting;
using Ncco.Testing.VoiceApi;

namespace Ncco.Vm.Tests;

/// <summary>
/// The simulator's Voice REST API (reference §3): what an app that controls its live calls over REST reaches while a
/// simulator runs, and the virtual-time rule for requests that arrive while the scenario waits.
/// </summary>
public sealed class VoiceApiTests
{
    private static readonly NccoDocument Hold = NccoBuilder.Create().Talk("Please hold").Conversation("hold").Build();

    private static VoiceSimulator Start(WebhookApp app, Action<SimulatorOptions>? configure = null) =>
        VoiceSimulator.Start(app, o =>
        {
            o.ServeVoiceApi();
            configure?.Invoke(o);
        });

    private static WebhookApp HoldApp() => new WebhookApp().Map("/webhooks/answer", Hold).Map("/webhooks/event", _ => null);

    [Fact(Timeout = 60_000)]
    public async Task Talk_through_the_api_is_heard_by_the_caller_and_hangup_ends_the_call_completed_by_the_platform()
    {
        var app = HoldApp();
        await using var sim = Start(app);
        using var api = sim.CreateVoiceApiClient();
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Please hold");

        using var talk = await api.PutAsJsonAsync($"/v1/calls/{call.Uuid}/talk", new { text = "You are first in the queue", language = "en-GB", level = "0.5" });
        Assert.Equal(HttpStatusCode.OK, talk.StatusCode);
        using (var body = JsonDocument.Parse(await talk.Content.ReadAsStringAsync()))
        {
            Assert.Equal("Talk started", body.RootElement.GetProperty("message").GetString());
            Assert.Equal(call.Uuid, body.RootElement.GetProperty("uuid").GetString());
        }
        await call.HearsAsync("first in the queue");
        Assert.Contains("talk \"You are first in the queue\"", sim.Log.RenderText(), StringComparison.Ordinal);

        var at = sim.Now;
        using var hangup = await api.PutAsJsonAsync($"/v1/calls/{call.Uuid}", new { action = "hangup" });
        Assert.Equal(HttpStatusCode.NoContent, hangup.StatusCode);
        await call.EndsAsync();
        var completed = await call.ReceivedEventAsync("completed");
        Assert.Equal("platform", completed.Field("disconnected_by"));
        Assert.Equal(at, sim.Now);
        var statuses = call.Events.Select(e => e.Status).Where(s => s is not null).ToList();
        Assert.Equal(["started", "ringing", "answered", "completed"], statuses);
        Assert.Single(statuses, s => s == "completed");

        // The leg is over: reading it still works (with its end), controlling it is 404 as on Vonage.
        using var get = await api.GetAsync($"/v1/calls/{call.Uuid}");
        using (var body = JsonDocument.Parse(await get.Content.ReadAsStringAsync()))
        {
            Assert.Equal("completed", body.RootElement.GetProperty("status").GetString());
            Assert.Equal("inbound", body.RootElement.GetProperty("direction").GetString());
            Assert.Equal("447700900001", body.RootElement.GetProperty("from").GetProperty("number").GetString());
            Assert.True(body.RootElement.TryGetProperty("end_time", out _));
        }
        using var again = await api.PutAsJsonAsync($"/v1/calls/{call.Uuid}", new { action = "hangup" });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_uuid_is_404_with_vonages_body()
    {
        await using var sim = Start(HoldApp());
        using var api = sim.CreateVoiceApiClient();
        await sim.CallAsync("447700900001", "447700900000");
        const string unknown = "00000000-0000-4000-8000-00000000dead";
        foreach (var request in new Func<Task<HttpResponseMessage>>[]
        {
            () => api.GetAsync($"/v1/calls/{unknown}"),
            () => api.PutAsJsonAsync($"/v1/calls/{unknown}", new { action = "hangup" }),
            () => api.PutAsJsonAsync($"/v1/calls/{unknown}/talk", new { text = "hi" }),
            () => api.DeleteAsync($"/v1/calls/{unknown}/stream"),
        })
        {
            using var response = await request();
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("https://developer.vonage.com/api-errors#not-found", body.RootElement.GetProperty("type").GetString());
            Assert.Equal("Not Found", body.RootElement.GetProperty("title").GetString());
            Assert.Contains(unknown, body.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Matches("^[0-9a-f]{32}$", body.RootElement.GetProperty("instance").GetString()!);
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData("PUT", "", """{"action":"fly"}""", "action")]
    [InlineData("PUT", "", """{"action":"transfer"}""", "destination")]
    [InlineData("PUT", "", """{"action":"transfer","destination":{"type":"ncco","ncco":[{"action":"talk"}]}}""", "destination.ncco[0]")]
    [InlineData("PUT", "/talk", """{"language":"en-GB"}""", "text")]
    [InlineData("PUT", "/talk", """{"text":"hi","loop":-1}""", "loop")]
    [InlineData("PUT", "/stream", """{"stream_url":"not a url"}""", "stream_url[0]")]
    [InlineData("PUT", "/dtmf", """{"digits":"12x"}""", "digits")]
    [InlineData("POST", "-", """{"from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"talk","text":"hi"}]}""", "to")]
    [InlineData("PUT", "", """[1,2]""", "body")]
    public async Task A_bad_body_is_400_naming_the_field(string method, string path, string json, string field)
    {
        await using var sim = Start(HoldApp());
        using var api = sim.CreateVoiceApiClient();
        var call = await sim.CallAsync("447700900001", "447700900000");
        var url = path == "-" ? "/v1/calls" : $"/v1/calls/{call.Uuid}{path}";
        using var response = await api.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        using var body = JsonDocument.Parse(text);
        Assert.Equal("https://developer.vonage.com/api-errors#validation", body.RootElement.GetProperty("type").GetString());
        var names = body.RootElement.GetProperty("invalid_parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.True(names.Contains(field), $"expected {field} in {text}");
        // The refusal is in the call log, where a failing scenario's reader looks first.
        Assert.Contains("answered 400", sim.Log.RenderText(), StringComparison.Ordinal);
        Assert.False(call.IsEnded);
    }

    [Fact(Timeout = 60_000)]
    public async Task Not_json_is_400_and_415()
    {
        await using var sim = Start(HoldApp());
        using var api = sim.CreateVoiceApiClient();
        var call = await sim.CallAsync("447700900001", "447700900000");
        using var broken = await api.PutAsync($"/v1/calls/{call.Uuid}", new StringContent("{\"action\":", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains("#invalid-json", await broken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var form = await api.PutAsync($"/v1/calls/{call.Uuid}", new StringContent("action=hangup", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(null)]
    [InlineData("Basic YWJjOmRlZg==")]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Bearer eyJhbGciOiJSUzI1NiJ9.eyJpYXQiOjB9.c2ln")] // no application_id
    public async Task Without_a_well_formed_application_jwt_it_is_401_with_vonages_body(string? authorization)
    {
        await using var sim = Start(HoldApp());
        var call = await sim.CallAsync("447700900001", "447700900000");
        using var http = new HttpClient { BaseAddress = sim.VoiceApiUrl };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/calls/{call.Uuid}") { Content = JsonContent.Create(new { action = "hangup" }) };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("https://developer.vonage.com/api-errors#unauthorized", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("Invalid credentials supplied", body.RootElement.GetProperty("title").GetString());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("detail").GetString()));
        Assert.False(call.IsEnded);
    }

    [Fact(Timeout = 60_000)]
    public async Task Transfer_to_an_inline_ncco_or_the_apps_url_runs_it_on_the_call()
    {
        var app = HoldApp().Map("/webhooks/agent", _ => NccoBuilder.Create().Talk("An agent will take your call").Build());
        await using var sim = Start(app);
        using var api = sim.CreateVoiceApiClient();
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Please hold");
        using var inline = await api.PutAsJsonAsync($"/v1/calls/{call.Uuid}",
            new { action = "transfer", destination = new { type = "ncco", ncco = new object[] { new { action = "talk", text = "Transferring you now" }, new { action = "conversation", name = "agents" } } } });
        Assert.Equal(HttpStatusCode.NoContent, inline.StatusCode);
        await call.HearsAsync("Transferring you now");
        using var byUrl = await api.PutAsJsonAsync($"/v1/calls/{call.Uuid}",
            new { action = "transfer", destination = new { type = "ncco", url = new[] { "https://app.example/webhooks/agent" } } });
        Assert.Equal(HttpStatusCode.NoContent, byUrl.StatusCode);
        await call.HearsAsync("An agent will take your call");
        await call.EndsAsync();
        Assert.Contains(app.Received, r => r.Path == "/webhooks/agent" && r.Field("uuid") == call.Uuid);
    }

    [Fact(Timeout = 60_000)]
    public async Task Outbound_calls_get_and_list_mute_earmuff_and_dtmf()
    {
        await using var sim = Start(HoldApp());
        using var api = sim.CreateVoiceApiClient();
        var call = await sim.CallAsync("447700900001", "447700900000");
        using var created = await api.PostAsJsonAsync("/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900099" } },
            from = new { type = "phone", number = "447700900000" },
            ncco = new object[] { new { action = "talk", text = "You have a caller waiting" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var createdBody = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var uuid = createdBody.RootElement.GetProperty("uuid").GetString()!;
        Assert.Equal("started", createdBody.RootElement.GetProperty("status").GetString());
        Assert.Equal("/v1/calls/" + uuid, created.Headers.Location?.OriginalString);
        var agent = await sim.ExpectOutboundCallAsync("447700900099");
        Assert.Equal(uuid, agent.Uuid);
        await agent.AnswerAsync();
        await agent.HearsAsync("caller waiting");

        foreach (var action in new[] { "mute", "unmute", "earmuff", "unearmuff" })
        {
            using var r = await api.PutAsJsonAsync($"/v1/calls/{call.Uuid}", new { action });
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        using var dtmf = await api.PutAsJsonAsync($"/v1/calls/{call.Uuid}/dtmf", new { digits = "12#" });
        Assert.Equal(HttpStatusCode.OK, dtmf.StatusCode);
        Assert.Contains(call.Heard, h => h.Playback.Text == "12#");

        using var list = await api.GetAsync("/v1/calls?page_size=1");
        using var listBody = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        Assert.Equal(2, listBody.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(call.Uuid, listBody.RootElement.GetProperty("_embedded").GetProperty("calls")[0].GetProperty("uuid").GetString());
        // Absolute, so the Node SDK's getAllCalls() can follow it with new URL(href).
        Assert.StartsWith(sim.VoiceApiUrl.GetLeftPart(UriPartial.Authority) + "/v1/calls?page_size=1&record_index=1",
            listBody.RootElement.GetProperty("_links").GetProperty("next").GetProperty("href").GetString(), StringComparison.Ordinal);
        using var answered = await api.GetAsync("/v1/calls?status=completed");
        using var answeredBody = JsonDocument.Parse(await answered.Content.ReadAsStringAsync());
        Assert.Equal(agent.IsEnded ? 1 : 0, answeredBody.RootElement.GetProperty("count").GetInt32());
        using var badStatus = await api.GetAsync("/v1/calls?status=flying");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);

        // The host's own list reader: every status the host takes, and page links that keep every filter.
        using var disconnected = await api.GetAsync("/v1/calls?status=disconnected");
        Assert.Equal(HttpStatusCode.OK, disconnected.StatusCode);
        using var dated = await api.GetAsync("/v1/calls?page_size=1&date_start=2020-01-01T00:00:00Z");
        using var datedBody = JsonDocument.Parse(await dated.Content.ReadAsStringAsync());
        Assert.Equal(2, datedBody.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(sim.VoiceApiUrl.GetLeftPart(UriPartial.Authority) + "/v1/calls?page_size=1&record_index=1&date_start=2020-01-01T00%3A00%3A00.000Z",
            datedBody.RootElement.GetProperty("_links").GetProperty("next").GetProperty("href").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_request_the_app_sends_right_after_answering_a_webhook_lands_before_virtual_time_moves_on()
    {
        // The app answers the "answered" event at once and only then, in the background, asks for a talk: what an
        // Express handler does with res.sendStatus(200) followed by await vonage.voice.playTTS(…). The NCCO's own talk
        // would end the call a few virtual seconds later; without the settle window the clock could get there first.
        using var token = new HttpClient();
        VoiceSimulator? simulator = null;
        Task? background = null;
        var app = new WebhookApp()
            .Map("/webhooks/answer", NccoBuilder.Create().Talk("Welcome to the line").Build())
            .Map("/webhooks/event", e =>
            {
                if (e.Status == "answered")
                {
                    var uuid = e.Field("uuid");
                    background = Task.Run(async () =>
                    {
                        using var api = simulator!.CreateVoiceApiClient();
                        using var r = await api.PutAsJsonAsync($"/v1/calls/{uuid}/talk", new { text = "This call is recorded" });
                        r.EnsureSuccessStatusCode();
                    });
                }
                return null;
            });
        await using var sim = simulator = Start(app, o => o.VoiceApiSettle = TimeSpan.FromSeconds(2));
        var call = await sim.CallAsync("447700900001", "447700900000");
        var answeredAt = call.Leg.AnsweredAt;
        await call.HearsAsync("This call is recorded");
        await background!;
        var rest = call.Heard.Single(h => h.Playback.Text == "This call is recorded");
        Assert.Equal(answeredAt, rest.At);
        await call.EndsAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_request_holds_the_clock_until_it_is_applied_and_between_steps_it_runs_the_vm_itself()
    {
        await using var sim = Start(HoldApp(), o => o.VoiceApiSettle = TimeSpan.Zero);
        using var api = sim.CreateVoiceApiClient();
        var call = await sim.CallAsync("447700900001", "447700900000");
        var before = sim.Now;
        // No step is running: the request must be applied anyway, at the current instant.
        using var response = await api.PutAsJsonAsync($"/v1/calls/{call.Uuid}/talk", new { text = "Between steps" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, sim.Now);
        Assert.Equal(before, call.Heard.Single(h => h.Playback.Text == "Between steps").At);
    }

    [Fact(Timeout = 60_000)]
    public async Task One_server_serves_simulators_one_after_another_and_answers_503_between_them()
    {
        await using var server = await VoiceApiServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJSUzI1NiJ9.eyJhcHBsaWNhdGlvbl9pZCI6ImFiYyJ9.c2ln");
        for (var i = 0; i < 2; i++)
        {
            await using (var sim = VoiceSimulator.Start(HoldApp(), o => o.UseVoiceApi(server)))
            {
                Assert.Equal(server.BaseUrl, sim.VoiceApiUrl);
                var call = await sim.CallAsync("447700900001", "447700900000");
                using var ok = await http.GetAsync($"/v1/calls/{call.Uuid}");
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
                Assert.Throws<InvalidOperationException>(() => VoiceSimulator.Start(HoldApp(), o => o.UseVoiceApi(server)));
            }
            using var none = await http.GetAsync("/v1/calls");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, none.StatusCode);
        }
    }
}
