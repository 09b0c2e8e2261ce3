using System.Collections.Concurrent;
using System.Text.Json;
using Ncco.Calls;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Scheduling;
using Ncco.Testing;
using Ncco.Testing.Time;
using Ncco.Webhooks;

namespace Ncco.Vm.Tests;

/// <summary>
/// Issue 20, redirect before answer: a VM whose <see cref="IInboundHandoff"/> plans a hand-off ends the inbound leg
/// quietly between the answer NCCO and the answer (started/ringing only, no final status, the transport neither answered
/// nor hung up), and another VM continues the same call under the same uuid (answered and what follows, no answer
/// webhook, no started/ringing), so the application sees one call.
/// </summary>
public class InboundHandoffTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private sealed class RecordingTransport : ILegTransport
    {
        public ILegEventSink? Sink { get; private set; }

        public int Answers { get; private set; }

        public int Hangups { get; private set; }

        public void Attach(ILegEventSink sink) => Sink = sink;

        public void Answer() => Answers++;

        public void Dial() => throw new InvalidOperationException("inbound only");

        public void Play(Playback playback) { }

        public void StopPlayback(long playbackId) { }

        public void Hangup() => Hangups++;
    }

    private sealed class Handoff(Func<InboundHandoffRequest, InboundHandoffPlan?> plan) : IInboundHandoff
    {
        public List<InboundHandoffRequest> Requests { get; } = [];

        public Task<InboundHandoffPlan?> PlanAsync(InboundHandoffRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(plan(request));
        }
    }

    private static NccoDocument Room => NccoBuilder.Create().Conversation("room").Build();

    private static (NccoVm Vm, VirtualScheduler Scheduler, ConcurrentQueue<WebhookRequest> Requests) NewVm(IInboundHandoff? handoff, int idSeed)
    {
        var scheduler = new VirtualScheduler(Start);
        var requests = new ConcurrentQueue<WebhookRequest>();
        var vm = new NccoVm(new NccoVmOptions
        {
            Application = Sim.ExampleApplication(),
            Transport = new DelegateWebhookTransport((r, _) =>
            {
                requests.Enqueue(r);
                return Task.FromResult(r.Kind == WebhookKind.Answer ? WebhookResponse.Ncco(Room) : WebhookResponse.Empty);
            }),
            Scheduler = scheduler,
            Ids = new SequentialIdGenerator(idSeed),
            InboundHandoff = handoff,
        });
        return (vm, scheduler, requests);
    }

    private static List<JsonElement> Events(ConcurrentQueue<WebhookRequest> requests) =>
        requests.Where(r => r.Kind == WebhookKind.Event).Select(r => JsonDocument.Parse(r.PayloadJson).RootElement.Clone()).ToList();

    private static IEnumerable<string?> Statuses(IEnumerable<JsonElement> events) =>
        events.Where(e => e.TryGetProperty("status", out _)).Select(e => e.GetProperty("status").GetString());

    [Fact]
    public async Task A_handed_off_call_ends_quietly_here_and_goes_on_under_the_same_uuid_in_another_vm()
    {
        var sent = 0;
        var handoff = new Handoff(_ => new InboundHandoffPlan(() => ++sent > 0));
        var (first, firstClock, firstRequests) = NewVm(handoff, 1);
        var handedOff = new List<CallLeg>();
        first.LegHandedOff += handedOff.Add;
        var caller = new RecordingTransport();
        var call = new InboundCall { From = "447700900001", To = "447700900000" };
        var accepted = first.AcceptInboundAsync(caller, call);
        await firstClock.RunUntilAsync(() => accepted.IsCompleted, Start.AddSeconds(60));
        var leg = await accepted;
        await firstClock.RunUntilAsync(() => false, firstClock.UtcNow.AddSeconds(30));

        // Asked once, between the answer NCCO and the answer, with what the other runtime needs.
        var request = Assert.Single(handoff.Requests);
        Assert.Equal(leg.Id, request.LegId);
        Assert.Same(caller, request.Transport);
        Assert.Same(call, request.Call);
        Assert.IsType<ConversationAction>(Assert.Single(request.Ncco.Actions));
        var firstEvents = Events(firstRequests);
        Assert.Equal(["started", "ringing"], Statuses(firstEvents));
        Assert.All(firstEvents, e => Assert.Equal(request.ConversationId, e.GetProperty("conversation_uuid").GetString()));
        Assert.Single(firstRequests, r => r.Kind == WebhookKind.Answer);
        // Ended here without a word: sent away once, never answered nor hung up by this runtime, released as handed off.
        Assert.Equal(1, sent);
        Assert.Equal(0, caller.Answers);
        Assert.Equal(0, caller.Hangups);
        Assert.True(leg.IsEnded);
        Assert.True(leg.HandedOff);
        Assert.Null(leg.AnsweredAt);
        Assert.Same(leg, Assert.Single(handedOff));
        // The party's hang-up reported after the hand-off (the transport ending) raises nothing either.
        caller.Sink!.HungUp();
        await firstClock.RunUntilAsync(() => false, firstClock.UtcNow.AddSeconds(5));
        Assert.Equal(2, Events(firstRequests).Count);

        // The other runtime continues it: same uuid, answered at once, the stored NCCO runs (no answer webhook).
        var (second, secondClock, secondRequests) = NewVm(null, 2);
        var answering = new RecordingTransport();
        var continued = second.ContinueHandedOffAsync(answering, call, request.LegId, request.ConversationId, request.Ncco);
        await secondClock.RunUntilAsync(() => continued.IsCompleted, Start.AddSeconds(60));
        var there = await continued;
        await secondClock.RunUntilAsync(() => false, secondClock.UtcNow.AddSeconds(5));
        Assert.Equal(leg.Id, there.Id);
        Assert.Equal(1, answering.Answers);
        Assert.DoesNotContain(secondRequests, r => r.Kind == WebhookKind.Answer);
        var answered = Assert.Single(Events(secondRequests), e => e.TryGetProperty("status", out var s) && s.GetString() == "answered");
        Assert.Equal(leg.Id, answered.GetProperty("uuid").GetString());
        Assert.Equal(request.ConversationId, answered.GetProperty("conversation_uuid").GetString());
        var transfer = Assert.Single(Events(secondRequests), e => e.TryGetProperty("conversation_uuid_to", out _));
        Assert.Equal(request.ConversationId, transfer.GetProperty("conversation_uuid_from").GetString());
        Assert.Equal(second.FindNamedConversation("room")!.Id, transfer.GetProperty("conversation_uuid_to").GetString());

        answering.Sink!.HungUp();
        await secondClock.RunUntilAsync(() => false, secondClock.UtcNow.AddSeconds(5));
        Assert.Equal(["answered", "completed"], Statuses(Events(secondRequests)));
        // The uuid is known here now: a second hand-off of it is refused.
        var again = second.ContinueHandedOffAsync(new RecordingTransport(), call, leg.Id, request.ConversationId, request.Ncco);
        await secondClock.RunUntilAsync(() => again.IsCompleted, secondClock.UtcNow.AddSeconds(5));
        await Assert.ThrowsAsync<InvalidOperationException>(() => again);
    }

    [Fact]
    public async Task Without_a_plan_or_when_planning_fails_the_call_is_answered_here()
    {
        foreach (var handoff in new IInboundHandoff[] { new Handoff(_ => null), new Handoff(_ => throw new TimeoutException("database slow")) })
        {
            var (vm, clock, requests) = NewVm(handoff, 3);
            var caller = new RecordingTransport();
            var accepted = vm.AcceptInboundAsync(caller, new InboundCall { From = "447700900001", To = "447700900000" });
            await clock.RunUntilAsync(() => accepted.IsCompleted, Start.AddSeconds(60));
            var leg = await accepted;
            await clock.RunUntilAsync(() => false, clock.UtcNow.AddSeconds(5));
            Assert.Equal(1, caller.Answers);
            Assert.False(leg.HandedOff);
            Assert.Equal(["started", "ringing", "answered"], Statuses(Events(requests)));
        }
    }

    [Fact]
    public async Task A_call_that_could_not_be_sent_away_ends_here_as_hung_up_before_answer()
    {
        var handoff = new Handoff(_ => new InboundHandoffPlan(() => false));
        var (vm, clock, requests) = NewVm(handoff, 4);
        var caller = new RecordingTransport();
        var accepted = vm.AcceptInboundAsync(caller, new InboundCall { From = "447700900001", To = "447700900000" });
        await clock.RunUntilAsync(() => accepted.IsCompleted, Start.AddSeconds(60));
        var leg = await accepted;
        await clock.RunUntilAsync(() => false, clock.UtcNow.AddSeconds(5));
        Assert.True(leg.IsEnded);
        Assert.False(leg.HandedOff);
        Assert.Equal(0, caller.Answers);
        var events = Events(requests);
        Assert.Equal(["started", "ringing", "completed"], Statuses(events));
        Assert.Equal("user", events[^1].GetProperty("disconnected_by").GetString());
    }
}
