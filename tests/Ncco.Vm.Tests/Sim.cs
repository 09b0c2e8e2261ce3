using Ncco.Calls;
using Ncco.Model;
using Ncco.Testing;
using Ncco.Testing.Hosting;
using Ncco.Webhooks;

namespace Ncco.Vm.Tests;

/// <summary>Helpers: a delegate app with a fixed answer NCCO and an event sink.</summary>
internal static class Sim
{
    public static (VoiceSimulator Sim, WebhookApp App) With(NccoBuilder answer, Action<SimulatorOptions>? configure = null) =>
        With(answer.Build(), configure);

    public static (VoiceSimulator Sim, WebhookApp App) With(NccoDocument answer, Action<SimulatorOptions>? configure = null)
    {
        var app = new WebhookApp().Map("/webhooks/answer", answer).Map("/webhooks/event", _ => null);
        // These tests check the VM's behaviour, not the app's: event URLs they name need no route of their own.
        return (VoiceSimulator.Start(app, o =>
        {
            o.AllowWebhookErrors();
            configure?.Invoke(o);
        }), app);
    }

    public static List<WebhookCall> StatusEvents(this WebhookApp app, string? uuid = null) =>
        app.Received.Where(r => r.Status is not null && (uuid is null || r.Field("uuid") == uuid || r.Field("call_uuid") == uuid)).ToList();

    public static List<string> Statuses(this WebhookApp app, string? uuid = null) => app.StatusEvents(uuid).Select(e => e.Status!).ToList();

    /// <summary>
    /// The application the tests that drive <see cref="NccoVm"/> directly run: answer by GET and events by POST on an
    /// address no request leaves for (their transports answer in-process).
    /// </summary>
    public static VoiceApplication ExampleApplication() => new()
    {
        AnswerUrl = WebhookTarget.Of("https://app.example/answer", WebhookMethod.Get),
        EventUrl = WebhookTarget.Of("https://app.example/event", WebhookMethod.Post),
    };
}
