using System.Text;
using Ncco.Testing;
using Ncco.Testing.Hosting;
using Ncco.Webhooks;

namespace Ncco.Vm.Tests;

/// <summary>
/// Issue 16 (SSRF): a webhook URL may point at a service that is not the application. What that service answers — its
/// status, its reason phrase, its body, the parser's reading of it — never reaches the application's event webhook.
/// </summary>
public sealed class WebhookFailureDisclosureTests
{
    private const string Secret = "AKIA-INTERNAL-SECRET-7f3a";

    [Theory]
    [InlineData("<html><body>token=" + Secret + "</body></html>", "answer_url: Invalid NCCO: the response is not valid JSON")]
    [InlineData("{\"AccessKeyId\":\"" + Secret + "\"}", "answer_url: Invalid NCCO: the response is not a JSON array of actions")]
    [InlineData("\"" + Secret + "\"", "answer_url: Invalid NCCO: the response is not a JSON array of actions")]
    [InlineData("[{\"" + Secret + "\":1}]", "answer_url: Invalid NCCO: the response is not an NCCO (/0 is not an action object)")]
    [InlineData("[\"" + Secret + "\"]", "answer_url: Invalid NCCO: the response is not an NCCO (/0 is not an action object)")]
    public async Task A_body_that_is_not_an_ncco_is_described_by_its_shape_never_quoted(string body, string expected)
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => new WebhookResponse(200, Encoding.UTF8.GetBytes(body)))
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app, o => o.AllowWebhookErrors());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.EndsAsync();
        var events = app.Received.Where(r => r.Path == "/webhooks/event").Select(r => r.Payload.GetRawText()).ToList();
        var error = app.Received.Single(r => r.Path == "/webhooks/event" && r.Field("reason") is not null).Field("reason");
        Assert.Equal(expected, error);
        Assert.All(events, e => Assert.DoesNotContain(Secret, e, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(500)]
    public async Task An_error_status_and_its_body_are_not_echoed(int status)
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => new WebhookResponse(status, Encoding.UTF8.GetBytes("internal: " + Secret)))
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app, o => o.AllowWebhookErrors());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.EndsAsync();
        var events = app.Received.Where(r => r.Path == "/webhooks/event").Select(r => r.Payload.GetRawText()).ToList();
        var error = app.Received.Single(r => r.Path == "/webhooks/event" && r.Field("reason") is not null).Field("reason")!;
        Assert.StartsWith("answer_url: the request failed", error, StringComparison.Ordinal);
        Assert.DoesNotContain(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error, StringComparison.Ordinal);
        Assert.All(events, e => Assert.DoesNotContain(Secret, e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_ncco_the_application_wrote_is_still_reported_in_full()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"talk","text":"hi","level":7}]""")
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app, o => o.AllowWebhookErrors());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.EndsAsync();
        var error = app.Received.Single(r => r.Path == "/webhooks/event" && r.Field("reason") is not null).Field("reason")!;
        Assert.StartsWith("answer_url: Invalid NCCO: /0/level", error, StringComparison.Ordinal);
        Assert.Contains("got 7", error, StringComparison.Ordinal);
    }
}
