using System.Runtime.CompilerServices;
using Ncco.Calls;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Testing.Time;
using Ncco.Webhooks;

namespace Ncco.Vm.Tests;

/// <summary>
/// Issues 16 and 19 (memory after N finished calls returns to a flat baseline): a VM runs for its application's
/// lifetime, so it must let go of finished legs — and with them their conversations and whatever their transports
/// reference — instead of keeping every leg ever created. It keeps at most <see cref="NccoVmOptions.RetainedFinishedLegs"/>.
/// </summary>
public class FinishedCallRetentionTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A transport that answers and plays instantly, holding a buffer as a media transport holds its state.</summary>
    private sealed class InstantTransport : ILegTransport
    {
        private ILegEventSink? _sink;

        public byte[] MediaState { get; } = new byte[64 * 1024];

        public void Attach(ILegEventSink sink) => _sink = sink;

        public void Answer() => _sink!.Answered();

        public void Dial() => _sink!.Answered();

        public void Play(Playback playback) => _sink!.PlaybackFinished(playback.Id);

        public void StopPlayback(long playbackId) { }

        public void Hangup() { }
    }

    private static (NccoVm Vm, VirtualScheduler Scheduler) NewVm(int? retained = null)
    {
        var scheduler = new VirtualScheduler(Start);
        var options = new NccoVmOptions
        {
            Application = Sim.ExampleApplication(),
            Transport = new DelegateWebhookTransport((r, _) =>
                Task.FromResult(r.Kind == WebhookKind.Answer ? WebhookResponse.Ncco(NccoBuilder.Create().Talk("Hello and goodbye").Build()) : WebhookResponse.Empty)),
            Scheduler = scheduler,
        };
        if (retained is { } r) options = options with { RetainedFinishedLegs = r };
        return (new NccoVm(options), scheduler);
    }

    /// <summary>Runs one inbound call to its end (the NCCO talks, then the call completes) and lets its webhooks go out.</summary>
    private static async Task<(WeakReference Leg, WeakReference Transport, string Id)> RunCallAsync(NccoVm vm, VirtualScheduler scheduler)
    {
        var transport = new InstantTransport();
        var task = vm.AcceptInboundAsync(transport, new InboundCall { From = "447700900001", To = "447700900000" });
        await scheduler.RunUntilAsync(() => task.IsCompleted, scheduler.UtcNow.AddSeconds(60));
        var leg = await task;
        await scheduler.RunUntilAsync(() => leg.IsEnded, scheduler.UtcNow.AddSeconds(60));
        Assert.True(leg.IsEnded, "the call should have completed after its NCCO");
        await scheduler.RunUntilAsync(() => false, scheduler.UtcNow.AddSeconds(5));
        return (new WeakReference(leg), new WeakReference(transport), leg.Id);
    }

    [Fact]
    public async Task With_nothing_retained_the_VM_holds_no_state_of_finished_calls_and_they_are_collected()
    {
        var (vm, scheduler) = NewVm(retained: 0);
        var calls = new List<(WeakReference Leg, WeakReference Transport, string Id)>();
        for (var i = 0; i < 20; i++) calls.Add(await RunCallAsync(vm, scheduler));

        Assert.Empty(vm.Legs);
        Assert.Empty(vm.Conversations);
        Assert.All(calls, c => Assert.Null(vm.FindLeg(c.Id)));
        Collect();
        Assert.All(calls, c => Assert.False(c.Leg.IsAlive, $"finished leg {c.Id} is still referenced"));
        Assert.All(calls, c => Assert.False(c.Transport.IsAlive, $"the transport of finished leg {c.Id} is still referenced"));
    }

    [Fact]
    public async Task The_VM_keeps_only_the_most_recent_finished_legs_up_to_its_bound()
    {
        var (vm, scheduler) = NewVm(retained: 5);
        var ids = new List<string>();
        for (var i = 0; i < 12; i++) ids.Add((await RunCallAsync(vm, scheduler)).Id);

        Assert.Equal(5, vm.Legs.Count);
        Assert.Equal(ids[^5..].Order(StringComparer.Ordinal), vm.Legs.Select(l => l.Id).Order(StringComparer.Ordinal));
        Assert.All(ids[..^5], id => Assert.Null(vm.FindLeg(id)));
        // One conversation per call here: the kept legs' conversations are kept, the others are gone.
        Assert.Equal(5, vm.Conversations.Count);
        Assert.All(vm.Legs, l => Assert.Contains(l.Conversation, vm.Conversations));
    }

    [Fact]
    public async Task A_finished_leg_is_unknown_to_call_control_whether_or_not_it_is_kept()
    {
        var (vm, scheduler) = NewVm();
        Assert.Equal(NccoVmOptions.DefaultRetainedFinishedLegs, vm.Options.RetainedFinishedLegs);
        var (_, _, id) = await RunCallAsync(vm, scheduler);

        Assert.NotNull(vm.FindLeg(id));
        // Control operations run on the VM thread, which the virtual scheduler runs.
        var hangup = vm.Control.HangupAsync(id);
        await scheduler.RunUntilAsync(() => hangup.IsCompleted, scheduler.UtcNow.AddSeconds(5));
        await Assert.ThrowsAsync<CallNotFoundException>(() => hangup);
    }

    [Fact]
    public void A_negative_bound_is_refused_naming_the_option()
    {
        var options = new NccoVmOptions
        {
            Application = new VoiceApplication { AnswerUrl = WebhookTarget.Of("https://app.example/answer", WebhookMethod.Get) },
            Transport = new DelegateWebhookTransport((_, _) => Task.FromResult(WebhookResponse.Empty)),
        };
        var legs = Assert.Throws<ArgumentOutOfRangeException>(() => new NccoVm(options with { RetainedFinishedLegs = -1 }));
        Assert.Contains(nameof(NccoVmOptions.RetainedFinishedLegs), legs.Message, StringComparison.Ordinal);
        var recordings = Assert.Throws<ArgumentOutOfRangeException>(() => new NccoVm(options with { RetainedRecordings = -1 }));
        Assert.Contains(nameof(NccoVmOptions.RetainedRecordings), recordings.Message, StringComparison.Ordinal);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Collect()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
    }
}
