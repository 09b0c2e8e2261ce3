using Microsoft.AspNetCore.WebUtilities;
using System.Text.Json;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>
/// An action's <c>eventMethod: GET</c> on the host: nested payload fields arrive both as JSON text under their own
/// name and as dotted leaf keys (docs/vonage-fidelity.md, "GET webhooks"), read here the way an ASP.NET Core app's
/// <c>Request.Query</c> reads them. The simulator side is <c>WebhookTests.Input_and_notify_GET_send_nested_fields_as_json_and_as_dotted_keys</c>
/// in Ncco.Vm.Tests: both go through the same encoder.
/// </summary>
public sealed class GetEventQueryEncodingTests
{
    [Fact]
    public async Task An_input_and_a_notify_with_eventMethod_GET_send_nested_fields_as_dotted_keys_and_as_json()
    {
        await using var h = await VoiceApiHarness.StartAsync();
        h.App.Ncco("/input", $$"""
            [{"action":"notify","payload":{"step":"menu","tags":["a","b"]},"eventUrl":["{{h.App.Url("notify")}}"],"eventMethod":"GET"},
             {"action":"talk","text":"Thanks.","loop":0}]
            """);
        var uuid = await h.CreateCallAsync(new object[]
        {
            new { action = "input", type = new[] { "dtmf" }, dtmf = new { maxDigits = 2, timeOut = 10 }, eventUrl = new[] { h.App.Url("input").ToString() }, eventMethod = "GET" },
        });
        await h.App.WaitForStatusAsync(uuid, "answered");

        h.Dialer.Legs[uuid].Press("42");
        var input = await h.App.WaitForAsync(w => w.Path == "/input");
        var notify = await h.App.WaitForAsync(w => w.Path == "/notify");

        Assert.Equal("GET", input.Method);
        Assert.Equal("", input.Body);
        var q = QueryHelpers.ParseQuery(input.Query);
        Assert.Equal(uuid, q["uuid"].ToString());
        Assert.Equal("42", q["dtmf.digits"].ToString());
        Assert.Equal("false", q["dtmf.timed_out"].ToString());
        using (var dtmf = JsonDocument.Parse(q["dtmf"].ToString()))
        {
            Assert.Equal("42", dtmf.RootElement.GetProperty("digits").GetString());
        }

        Assert.Equal("GET", notify.Method);
        var n = QueryHelpers.ParseQuery(notify.Query);
        Assert.Equal("menu", n["payload.step"].ToString());
        Assert.Equal("a", n["payload.tags.0"].ToString());
        Assert.Equal("b", n["payload.tags.1"].ToString());
        using (var payload = JsonDocument.Parse(n["payload"].ToString()))
        {
            Assert.Equal("menu", payload.RootElement.GetProperty("step").GetString());
        }
    }
}
