using Ncco.Model;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>
/// Issue 15 (reference §1.4, §4.2 <c>conversations_ttl</c>): a named conversation outlives its last participant for
/// the application's <c>conversations_ttl</c> (<see cref="Webhooks.VoiceApplication.NamedConversationTtl"/>, counted
/// from when it became empty), so a later call with the same name joins the same conversation uuid; after that it
/// ends and the name starts a new conversation. <c>endOnExit</c> ends it (and frees the name) at once.
/// </summary>
public class NamedConversationLifetimeTests
{
    private static (VoiceSimulator Sim, WebhookApp App) Room(bool endOnExit = false) =>
        Sim.With(NccoBuilder.Create().Talk("Welcome").Conversation("persist-room", endOnExit: endOnExit));

    private static async Task<string> VisitAsync(VoiceSimulator sim, WebhookApp app)
    {
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Welcome");
        await sim.RunUntilIdleAsync(TimeSpan.Zero);
        var joined = app.Received.Last(r => r.Field("uuid") == call.Uuid && r.Field("conversation_uuid_to") is not null).Field("conversation_uuid_to")!;
        await call.HangUpAsync();
        await call.EndsAsync();
        return joined;
    }

    [Fact]
    public async Task A_later_call_joins_the_same_conversation_until_conversations_ttl_after_it_became_empty()
    {
        var (sim, app) = Room();
        await using var _s = sim;
        var first = await VisitAsync(sim, app);
        Assert.StartsWith("CON-", first, StringComparison.Ordinal);
        await sim.AdvanceAsync(TimeSpan.FromHours(47));
        var second = await VisitAsync(sim, app);
        Assert.Equal(first, second);
        // The 48 h count restarts when the conversation is empty again.
        await sim.AdvanceAsync(TimeSpan.FromHours(47));
        Assert.Equal(first, await VisitAsync(sim, app));
        await sim.AdvanceAsync(TimeSpan.FromHours(48) + TimeSpan.FromSeconds(1));
        Assert.Null(sim.Vm.FindNamedConversation("persist-room"));
        Assert.True(sim.Vm.FindConversation(first)!.IsEnded);
        var later = await VisitAsync(sim, app);
        Assert.NotEqual(first, later);
    }

    [Fact]
    public async Task A_ttl_longer_than_one_timer_can_wait_is_honoured_and_no_ttl_keeps_it()
    {
        var (sim, app) = Room();
        await using var _s = sim;
        await UpdateAsync(sim, sim.Vm.Application with { NamedConversationTtl = TimeSpan.FromDays(31) });
        var first = await VisitAsync(sim, app);
        await sim.AdvanceAsync(TimeSpan.FromDays(30.5));
        Assert.Equal(first, await VisitAsync(sim, app));
        await sim.AdvanceAsync(TimeSpan.FromDays(31) + TimeSpan.FromMinutes(1));
        var second = await VisitAsync(sim, app);
        Assert.NotEqual(first, second);

        await UpdateAsync(sim, sim.Vm.Application with { NamedConversationTtl = null });
        var kept = await VisitAsync(sim, app);
        await sim.AdvanceAsync(TimeSpan.FromDays(32));
        Assert.Equal(kept, await VisitAsync(sim, app));
    }

    // The simulator's VM thread runs only while the simulation does.
    private static async Task UpdateAsync(VoiceSimulator sim, Webhooks.VoiceApplication application)
    {
        var updated = sim.Vm.UpdateApplicationAsync(application);
        await sim.RunUntilIdleAsync(TimeSpan.Zero);
        await updated;
    }

    [Fact]
    public async Task EndOnExit_ends_the_conversation_and_frees_the_name_at_once()
    {
        var (sim, app) = Room(endOnExit: true);
        await using var _s = sim;
        var first = await VisitAsync(sim, app);
        Assert.True(sim.Vm.FindConversation(first)!.IsEnded);
        Assert.NotEqual(first, await VisitAsync(sim, app));
    }
}
