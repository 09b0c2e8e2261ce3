using System.Text;
using System.Text.Json;
using Ncco.Host.Legs.WebSockets;
using Ncco.Host.Tests.MediaPlane;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>
/// Event payloads checked against Vonage's SDK models (issue 15): a websocket leg rings before it answers, a busy
/// event has <c>sip_code</c> and no <c>detail</c> (no Vonage detail value means busy), and the input, record and
/// transfer events carry no <c>status</c> (the .NET SDK's <c>EventBase.ParseEvent</c> dispatches on <c>status</c> and
/// returns nothing for a status it does not know, so these events are told apart by their own fields).
/// </summary>
public sealed class VonageEventConformanceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_websocket_leg_goes_started_ringing_answered_completed()
    {
        await using var webhooks = await WebhookAppServer.StartAsync();
        await using var host = await TestHostFixture.StartAsync(
            configureFirst: b => b.AddNccoWebSockets(), extraArgs: ["--Ncco:Demo:Enabled=false", "--Ncco:Calls:RateLimitPerSecond=0"]);
        var (id, key) = await VoiceApiHarness.CreateApplicationAsync(host, webhooks);
        await using var sockets = await AppSocketServer.StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calls")
        {
            Content = new StringContent($$"""
                {"to":[{"type":"websocket","uri":"{{sockets.Url("bot")}}","content-type":"audio/l16;rate=16000"}],
                 "from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"talk","text":"Hello.","loop":0}]}
                """, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", ApplicationJwt.Mint(id, key, host.Time.GetUtcNow()));
        using var response = await host.Client.SendAsync(request);
        var uuid = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("uuid").GetString()!;
        var bot = await sockets.AcceptAsync("bot", Wait);
        await bot.NextEventAsync("websocket:connected", Wait);
        await webhooks.WaitForStatusAsync(uuid, "answered", Wait);

        var statuses = webhooks.All.Where(w => w.Json is { } j && j.TryGetProperty("uuid", out var u) && u.GetString() == uuid && j.TryGetProperty("status", out _))
            .Select(w => w.Json!.Value.GetProperty("status").GetString()!).ToArray();
        Assert.Equal(["started", "ringing", "answered"], statuses);
    }

    [Fact]
    public async Task A_busy_destination_reports_sip_code_486_and_no_detail()
    {
        await using var h = await VoiceApiHarness.StartAsync();

        var busy = await h.CreateCallAsync(new object[] { new { action = "talk", text = "Hi" } }, number: "15554860001");
        var e = (await h.App.WaitForStatusAsync(busy, "busy")).Json!.Value;

        Assert.Equal(486, e.GetProperty("sip_code").GetInt32());
        Assert.False(e.TryGetProperty("detail", out var detail), $"detail: {detail}");
    }

    [Fact]
    public async Task Input_record_and_transfer_events_carry_no_status()
    {
        await using var h = await VoiceApiHarness.StartAsync();
        h.App.Ncco("/input", $$"""
            [{"action":"record","endOnKey":"#","eventUrl":["{{h.App.Url("record")}}"]},
             {"action":"talk","text":"Recorded.","loop":0}]
            """);
        var uuid = await h.CreateCallAsync(new object[]
        {
            new { action = "input", type = new[] { "dtmf" }, dtmf = new { maxDigits = 1, timeOut = 10 }, eventUrl = new[] { h.App.Url("input").ToString() } },
        });
        await h.App.WaitForStatusAsync(uuid, "answered");

        h.Dialer.Legs[uuid].Press("1");
        var input = (await h.App.WaitForAsync(w => w.Path == "/input")).Json!.Value;
        // The record starts once the input's webhook has answered with it: press # until it has ended the recording.
        JsonElement? recorded = null;
        for (var attempt = 0; attempt < 20 && recorded is null; attempt++)
        {
            h.Dialer.Legs[uuid].Press("#");
            try
            {
                recorded = (await h.App.WaitForAsync(w => w.Path == "/record", TimeSpan.FromMilliseconds(500))).Json;
            }
            catch (TimeoutException)
            {
            }
        }
        var record = recorded ?? (await h.App.WaitForAsync(w => w.Path == "/record")).Json!.Value;
        var transfer = await h.SendAsync(HttpMethod.Put, "/v1/calls/" + uuid, new { action = "transfer", destination = new { type = "ncco", ncco = new object[] { new { action = "talk", text = "Moved.", loop = 0 } } } });
        Assert.Equal(204, transfer.Status);
        var transferred = (await h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("conversation_uuid_to", out _))).Json!.Value;

        Assert.Equal("1", input.GetProperty("dtmf").GetProperty("digits").GetString());
        Assert.True(record.TryGetProperty("recording_url", out _));
        Assert.Equal(uuid, transferred.GetProperty("uuid").GetString());
        foreach (var (name, payload) in new[] { ("input", input), ("record", record), ("transfer", transferred) })
        {
            Assert.False(payload.TryGetProperty("status", out var status), $"{name} event has status {status}");
        }
    }
}
