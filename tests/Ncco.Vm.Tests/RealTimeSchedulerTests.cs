using Ncco.Calls;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Scheduling;
using Ncco.Testing;
using Ncco.Webhooks;

namespace Ncco.Vm.Tests;

/// <summary>The production path: the same VM on a real-time scheduler (thread-pool work items, TimeProvider timers).</summary>
public class RealTimeSchedulerTests
{
    [Fact]
    public async Task A_call_runs_to_completion_on_the_real_time_scheduler()
    {
        var completed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new DelegateWebhookTransport((request, _) =>
        {
            if (request.Kind == WebhookKind.Answer) return Task.FromResult(WebhookResponse.Ncco(NccoBuilder.Create().Wait(0.1).Build()));
            if (request.PayloadJson.Contains("\"completed\"", StringComparison.Ordinal)) completed.TrySetResult(request.PayloadJson);
            return Task.FromResult(WebhookResponse.Empty);
        });
        var scheduler = new RealTimeScheduler();
        var vm = new NccoVm(new NccoVmOptions
        {
            Application = Sim.ExampleApplication(),
            Transport = transport,
            Scheduler = scheduler,
        });
        await vm.AcceptInboundAsync(new VirtualLeg(scheduler), new InboundCall { From = "447700900001", To = "447700900000" });
        var json = await completed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("\"disconnected_by\":\"platform\"", json, StringComparison.Ordinal);
    }
}
