using System.Collections.Concurrent;
using Ncco.Calls;
using Ncco.Conversations;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Scheduling;
using Ncco.Testing;
using Ncco.Testing.Time;
using Ncco.Webhooks;

namespace Ncco.Vm.Tests;

/// <summary>
/// A leg bridged to a conversation another runtime holds (<see cref="IConversationPlacement"/>) re-joins it when the
/// bridge is lost (<see cref="IConversationBridgeTransport.IsLost"/>: the host died) — through a new bridge, or in this
/// VM when it now holds the conversation — keeping its member options and mute; a bridge the host closed ends the leg's
/// part instead. On the virtual clock, with a scripted placement and bridges.
/// </summary>
public class ConversationRejoinTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private const string ConversationId = "CON-held-elsewhere";

    /// <summary>A bridge whose end the test decides: lost (dropped) or closed by the host.</summary>
    private sealed class FakeBridge(string legId, bool opens) : IConversationBridgeTransport
    {
        private ILegEventSink? _sink;

        public string LegId { get; } = legId;

        public bool WasOpened { get; private set; }

        public bool IsLost { get; private set; }

        public bool HungUpHere { get; private set; }

        public void Attach(ILegEventSink sink) => _sink = sink;

        public void Answer()
        {
        }

        public void Dial()
        {
            if (opens)
            {
                WasOpened = true;
                return;
            }
            // Refused or unreachable: reported at once.
            IsLost = true;
            _sink!.HungUp();
        }

        public void Play(Playback playback) => _sink!.PlaybackFinished(playback.Id);

        public void StopPlayback(long playbackId)
        {
        }

        public void Hangup() => HungUpHere = true;

        public void Drop()
        {
            IsLost = true;
            _sink!.HungUp();
        }

        public void CloseFromHost() => _sink!.HungUp();
    }

    /// <summary>Answers each placement from a script: "remote" (a bridge that opens), "unreachable" (one that does not), "local".</summary>
    private sealed class ScriptedPlacement(TimeSpan window) : IConversationPlacement
    {
        public ConcurrentQueue<string> Script { get; } = new();

        public List<FakeBridge> Bridges { get; } = [];

        public List<ConversationPlaceRequest> Requests { get; } = [];

        public string Default { get; set; } = "unreachable";

        public TimeSpan RejoinWindow => window;

        public Task<ConversationPlace> PlaceAsync(ConversationPlaceRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            var next = Script.TryDequeue(out var s) ? s : Default;
            return Task.FromResult(next == "local"
                ? new ConversationPlace(ConversationId)
                : new ConversationPlace(ConversationId, id =>
                {
                    var bridge = new FakeBridge(id, opens: next == "remote");
                    Bridges.Add(bridge);
                    return bridge;
                }));
        }

        public void Ended(string name, string conversationId)
        {
        }
    }

    private sealed class Harness
    {
        public VirtualScheduler Scheduler { get; } = new(Start);
        public ConcurrentQueue<WebhookRequest> Requests { get; } = new();
        public ScriptedPlacement Placement { get; }
        public NccoVm Vm { get; }

        public Harness(NccoDocument answer, TimeSpan window)
        {
            Placement = new ScriptedPlacement(window);
            var transport = new DelegateWebhookTransport((r, _) =>
            {
                Requests.Enqueue(r);
                return Task.FromResult(r.Kind == WebhookKind.Answer ? WebhookResponse.Ncco(answer) : WebhookResponse.Empty);
            });
            Vm = new NccoVm(new NccoVmOptions
            {
                Application = Sim.ExampleApplication(),
                Transport = transport,
                Scheduler = Scheduler,
                Ids = new SequentialIdGenerator(),
                ConversationPlacement = Placement,
            });
        }

        public async Task<CallLeg> CallAsync()
        {
            var task = Vm.AcceptInboundAsync(new VirtualLeg(Scheduler), new InboundCall { From = "447700900001", To = "447700900000" });
            await RunAsync(() => task.IsCompleted);
            return await task;
        }

        public async Task RunAsync(Func<bool> until, double seconds = 60)
        {
            var outcome = await Scheduler.RunUntilAsync(until, Scheduler.UtcNow.AddSeconds(seconds));
            Assert.True(until(), $"condition not met ({outcome})");
        }

        public int Events(string uuid, string contains) =>
            Requests.Count(r => r.Kind != WebhookKind.Answer && r.PayloadJson.Contains(uuid, StringComparison.Ordinal) && r.PayloadJson.Contains(contains, StringComparison.Ordinal));
    }

    private static NccoDocument Room() => NccoBuilder.Create().Conversation("room", canHear: ["leg-x"], canSpeak: ["leg-y"]).Build();

    [Fact]
    public async Task A_lost_bridge_is_replaced_and_then_the_leg_joins_here_when_this_vm_holds_the_conversation_keeping_its_mute()
    {
        var h = new Harness(Room(), TimeSpan.FromSeconds(16));
        h.Placement.Script.Enqueue("remote");
        var leg = await h.CallAsync();
        await h.RunAsync(() => h.Placement.Bridges.Count == 1 && leg.Conversation.Id == ConversationId);
        var part = leg.Conversation;
        Assert.Null(part.Name);
        _ = h.Vm.Control.MuteAsync(leg.Id);
        await h.RunAsync(() => leg.Muted);

        // The host dies: the placement still names it (its claim is not free yet), then another node, then this one.
        h.Placement.Script.Enqueue("unreachable");
        h.Placement.Script.Enqueue("unreachable");
        h.Placement.Script.Enqueue("remote");
        h.Placement.Script.Enqueue("local");
        h.Placement.Bridges[0].Drop();
        await h.RunAsync(() => h.Placement.Bridges.Count == 4 && h.Placement.Bridges[3].WasOpened);
        var second = h.Placement.Bridges[3];
        Assert.Equal([second.LegId], leg.CanHear!);
        Assert.True(leg.Muted, "the REST mute was lost on re-joining through a new bridge");
        Assert.Same(part, leg.Conversation);
        // Every attempt proposed the conversation's own uuid and carried the leg's action.
        Assert.All(h.Placement.Requests.Skip(1), r => Assert.Equal(ConversationId, r.ProposedConversationId));
        Assert.All(h.Placement.Requests, r => Assert.Equal(["leg-x"], r.Action.CanHear!));

        second.Drop();
        await h.RunAsync(() => leg.Conversation.Name == "room");
        // The part became the named conversation: same object, same uuid, the action's options, the mute kept.
        Assert.Same(part, leg.Conversation);
        Assert.Same(part, h.Vm.FindNamedConversation("room"));
        Assert.Equal(["leg-x"], leg.CanHear!);
        Assert.Equal(["leg-y"], leg.CanSpeak!);
        Assert.True(leg.InMix);
        Assert.True(leg.Muted, "the REST mute was lost on re-joining here");
        Assert.All(h.Placement.Bridges, b => Assert.True(b.IsLost || b.HungUpHere));
        // One transfer (the first join), no completed: the leg never left its conversation.
        Assert.Equal(1, h.Events(leg.Id, "conversation_uuid_to"));
        Assert.Equal(0, h.Events(leg.Id, "\"completed\""));
        Assert.False(leg.IsEnded);
    }

    [Fact]
    public async Task A_bridge_the_host_closes_ends_the_leg_part_and_its_NCCO_goes_on()
    {
        var h = new Harness(Room(), TimeSpan.FromSeconds(16));
        h.Placement.Script.Enqueue("remote");
        var leg = await h.CallAsync();
        await h.RunAsync(() => h.Placement.Bridges.Count == 1);
        h.Placement.Bridges[0].CloseFromHost();
        await h.RunAsync(() => h.Requests.Any(r => r.Kind != WebhookKind.Answer && r.PayloadJson.Contains("\"completed\"", StringComparison.Ordinal)), seconds: 30);
        Assert.Single(h.Placement.Requests);
        Assert.Single(h.Placement.Bridges);
    }

    [Fact]
    public async Task A_leg_that_cannot_re_join_within_the_window_gives_up_and_its_NCCO_goes_on()
    {
        var window = TimeSpan.FromSeconds(5);
        var h = new Harness(Room(), window);
        h.Placement.Script.Enqueue("remote");
        var leg = await h.CallAsync();
        await h.RunAsync(() => h.Placement.Bridges.Count == 1);
        var lost = h.Scheduler.UtcNow;
        h.Placement.Bridges[0].Drop();
        await h.RunAsync(() => h.Requests.Any(r => r.Kind != WebhookKind.Answer && r.PayloadJson.Contains("\"completed\"", StringComparison.Ordinal)), seconds: 30);
        var gaveUp = h.Scheduler.UtcNow - lost;
        Assert.InRange(gaveUp, window - TimeSpan.FromMilliseconds(300), window + TimeSpan.FromMilliseconds(300));
        // One attempt per RejoinRetry (250 ms), bounded by the window.
        Assert.InRange(h.Placement.Requests.Count - 1, 15, 21);
    }
}
