using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>No silent misconfiguration: error answers fail the test unless allowed; only the app's hosts are the app.</summary>
public class MisconfigurationTests
{
    private const string Menu = """[{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1},"eventUrl":["https://app.example/menu"]}]""";

    [Fact]
    public async Task An_event_webhook_the_app_does_not_handle_fails_the_test_where_it_happens()
    {
        var app = new WebhookApp().Map("/webhooks/answer", _ => """[{"action":"talk","text":"Hello"}]""");
        await using var sim = VoiceSimulator.Start(app, o => o.AllowWebhookErrors("/nothing")); // allowing another path changes nothing
        var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => sim.CallAsync("447700900001", "447700900000").AsTask());
        Assert.StartsWith("The app answered POST https://app.example/webhooks/event (status event \"started\") with HTTP 404", e.Message, StringComparison.Ordinal);
        Assert.Contains("AllowWebhookErrors(\"/webhooks/event\")", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allowed_errors_pass_and_the_platform_behaviour_still_applies()
    {
        var app = new WebhookApp().Map("/webhooks/answer", _ => """[{"action":"talk","text":"Hello"}]""");
        await using var sim = VoiceSimulator.Start(app, o => o.AllowWebhookErrors("/webhooks/event"));
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Hello");
        var completed = await call.ReceivedEventAsync("completed");
        Assert.Equal(404, completed.StatusCode);
    }

    [Fact]
    public async Task An_app_that_throws_fails_the_test_with_a_500_and_the_exception()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => Menu)
            .Map("/menu", _ => throw new InvalidOperationException("no such customer"))
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.PressAsync("1").AsTask());
        Assert.StartsWith("The app answered POST https://app.example/menu (input result) with HTTP 500", e.Message, StringComparison.Ordinal);
        Assert.Contains("webhook app threw InvalidOperationException: no such customer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handler_stuck_past_the_guard_fails_saying_it_did_not_answer_not_that_the_path_is_unmapped()
    {
        await using var sim = VoiceSimulator.Start(new StuckAnswer(), o => o.WebhookGuard = TimeSpan.FromMilliseconds(300));
        var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => sim.CallAsync("447700900001", "447700900000"));
        Assert.StartsWith("The app did not answer GET https://app.example/webhooks/answer (answer webhook) within SimulatorOptions.WebhookGuard (0.3 s of real time): its handler is stuck.", e.Message, StringComparison.Ordinal);
        Assert.Contains("a delay on sim.Clock", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("map that path", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delegate_answering_timed_out_at_once_is_reported_as_an_error_answer()
    {
        var app = new WebhookApp().Map("/webhooks/answer", _ => Ncco.Webhooks.WebhookResponse.TimedOut).Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => sim.CallAsync("447700900001", "447700900000"));
        Assert.StartsWith("The app answered GET https://app.example/webhooks/answer (answer webhook) with timed out", e.Message, StringComparison.Ordinal);
    }

    /// <summary>An app whose answer handler never finishes: the transport gives up after the request's timeout, as HttpClient does.</summary>
    private sealed class StuckAnswer : Ncco.Webhooks.IWebhookTransport
    {
        public async Task<Ncco.Webhooks.WebhookResponse> SendAsync(Ncco.Webhooks.WebhookRequest request, CancellationToken cancellationToken)
        {
            if (request.Uri.AbsolutePath != "/webhooks/answer") return Ncco.Webhooks.WebhookResponse.Empty;
            await Task.Delay(request.Timeout, cancellationToken);
            return Ncco.Webhooks.WebhookResponse.TimedOut;
        }
    }

    [Fact]
    public async Task A_webhook_to_a_host_that_is_not_the_app_is_refused_and_fails_the_test()
    {
        var reached = false;
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => Menu.Replace("app.example", "app.exmaple", StringComparison.Ordinal))
            .Map("/menu", _ => { reached = true; return null; })
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.PressAsync("1").AsTask());
        Assert.StartsWith("The app sent a webhook to https://app.exmaple/menu (input result), whose host is not the app's (app.example): it was refused", e.Message, StringComparison.Ordinal);
        Assert.Contains("SimulatorOptions.PublicBaseUrl(\"https://app.exmaple\")", e.Message, StringComparison.Ordinal);
        Assert.False(reached);
    }

    [Fact]
    public async Task The_apps_public_base_url_resolves_its_webhooks_and_routes_its_host_into_it()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1},"eventUrl":["https://pharmacy.example/menu"]}]""")
            .Map("/menu", r => $$"""[{"action":"talk","text":"You pressed {{r.Digits}}"}]""")
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app, o => o.PublicBaseUrl("https://pharmacy.example"));
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.PressAsync("4");
        await call.HearsAsync("You pressed 4");
        var answer = await sim.WebhookAsync("/webhooks/answer");
        Assert.Equal("pharmacy.example", answer.Request.Uri.Host);
    }

    [Fact]
    public async Task A_public_base_url_that_is_not_an_http_url_is_refused_naming_it()
    {
        var e = Assert.Throws<ArgumentException>(() => VoiceSimulator.Start(new WebhookApp(), o => o.PublicBaseUrl("pharmacy.example")));
        Assert.Contains("PublicBaseUrl must be an absolute http(s) URL", e.Message, StringComparison.Ordinal);
    }
}
