using System.Collections.Concurrent;
using System.Text.Json;
using Ncco.Calls;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Scheduling;
using Ncco.Testing;
using Ncco.Testing.Time;
using Ncco.Webhooks;

namespace Ncco.Vm.Tests;

/// <summary>
/// Issue 17: an inbound call whose transport cannot answer it (no media port, an offer it cannot take) is a
/// <c>failed</c> call — started, ringing, failed with detail and sip_code — never <c>answered</c>, and its NCCO never runs.
/// </summary>
public class FailedAnswerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A transport whose answer fails as the SIP leg's does: the code the caller got, then the failure.</summary>
    private sealed class FailingAnswerTransport(int sipCode) : ILegTransport
    {
        private ILegEventSink? _sink;

        public int Plays { get; private set; }

        public void Attach(ILegEventSink sink) => _sink = sink;

        public void Answer()
        {
            _sink!.SipStatus(sipCode);
            _sink.Failed("internal_error");
        }

        public void Dial() => throw new InvalidOperationException("inbound only");

        public void Play(Playback playback) => Plays++;

        public void StopPlayback(long playbackId) { }

        public void Hangup() { }
    }

    [Theory]
    [InlineData(503)]
    [InlineData(488)]
    public async Task A_failed_answer_is_a_failed_call_never_answered(int sipCode)
    {
        var scheduler = new VirtualScheduler(Start);
        var requests = new ConcurrentQueue<WebhookRequest>();
        var vm = new NccoVm(new NccoVmOptions
        {
            Application = Sim.ExampleApplication(),
            Transport = new DelegateWebhookTransport((r, _) =>
            {
                requests.Enqueue(r);
                return Task.FromResult(r.Kind == WebhookKind.Answer ? WebhookResponse.Ncco(NccoBuilder.Create().Talk("never heard").Build()) : WebhookResponse.Empty);
            }),
            Scheduler = scheduler,
            Ids = new SequentialIdGenerator(),
        });
        var transport = new FailingAnswerTransport(sipCode);
        var task = vm.AcceptInboundAsync(transport, new InboundCall { From = "447700900001", To = "447700900000" });
        await scheduler.RunUntilAsync(() => task.IsCompleted, Start.AddSeconds(60));
        var leg = await task;
        await scheduler.RunUntilAsync(() => false, scheduler.UtcNow.AddSeconds(30));

        var statuses = requests.Where(r => r.Kind == WebhookKind.Event)
            .Select(r => JsonDocument.Parse(r.PayloadJson).RootElement)
            .Where(e => e.TryGetProperty("status", out _))
            .ToList();
        Assert.Equal(["started", "ringing", "failed"], statuses.Select(e => e.GetProperty("status").GetString()));
        var failed = statuses[^1];
        Assert.Equal("internal_error", failed.GetProperty("detail").GetString());
        Assert.Equal(sipCode, failed.GetProperty("sip_code").GetInt32());
        Assert.Equal("inbound", failed.GetProperty("direction").GetString());
        Assert.True(leg.IsEnded);
        Assert.Null(leg.AnsweredAt);
        Assert.Equal(0, transport.Plays);
        Assert.True(leg.Conversation.IsEnded);
    }
}
