using Ncco.Model.Endpoints;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>
/// Issue 17: transfers a party asks for (a SIP REFER), mapped onto Vonage's events — the runtime half, on virtual legs.
/// </summary>
public class PartyTransferTests
{
    private static NccoBuilder ConnectAgent(string number) => NccoBuilder.Create().Connect(CallEndpoint.Phone(number), from: "447700900000");

    [Fact]
    public async Task Joining_the_parties_of_two_calls_connects_them_and_completes_both_referring_legs()
    {
        var (sim, app) = Sim.With(ConnectAgent("447700900099"));
        await using var _s = sim;
        var first = await sim.CallAsync("447700900001", "447700900000");
        var agent1 = await sim.ExpectOutboundCallAsync(to: "447700900099");
        await agent1.AnswerAsync();
        var second = await sim.CallAsync("447700900001", "447700900000");
        var agent2 = await sim.ExpectOutboundCallAsync(to: "447700900099");
        await agent2.AnswerAsync();

        await sim.ControlAsync(c => c.JoinOtherPartiesAsync(first.Uuid, second.Uuid));
        Assert.True(first.IsEnded);
        Assert.True(second.IsEnded);
        Assert.Equal("user", app.StatusEvents(first.Uuid).Last().Field("disconnected_by"));
        Assert.Equal("user", app.StatusEvents(second.Uuid).Last().Field("disconnected_by"));
        Assert.False(agent1.IsEnded);
        Assert.False(agent2.IsEnded);
        await agent1.SaysAsync("hello other agent");
        await agent2.HearsPartyAsync(agent1, "hello other agent");
        // Each moved party reports the move as Vonage reports a transfer.
        var transfers = app.Received.Where(w => w.Field("conversation_uuid_to") is not null).ToList();
        Assert.Equal(2, transfers.Count);

        // A two-party call: one hanging up ends the other.
        await agent1.HangUpAsync();
        Assert.True(agent2.IsEnded);
    }

    [Fact]
    public async Task Handing_over_connects_the_other_party_to_the_target_and_a_failed_target_ends_the_party()
    {
        var (sim, app) = Sim.With(ConnectAgent("447700900099"));
        await using var _s = sim;
        var caller = await sim.CallAsync("447700900001", "447700900000");
        var agent = await sim.ExpectOutboundCallAsync(to: "447700900099");
        await agent.AnswerAsync();

        var statuses = new List<string>();
        // The agent (the connect's callee) transfers the caller to a colleague.
        Task<string>? outcome = null;
        await sim.ControlAsync(async c => outcome = await c.HandOverAsync(agent.Uuid, CallEndpoint.Phone("447700900077"), statuses.Add));
        var colleague = await sim.ExpectOutboundCallAsync(to: "447700900077");
        Assert.False(caller.IsEnded, "the caller outlives the connect that linked it to the agent");
        await colleague.AnswerAsync();
        Assert.True(outcome!.IsCompleted);
        Assert.Equal("answered", await outcome);
        Assert.Equal(["ringing", "answered"], statuses);
        Assert.True(agent.IsEnded);
        Assert.Equal("user", app.StatusEvents(agent.Uuid).Last().Field("disconnected_by"));
        Assert.Equal(["started", "ringing", "answered"], app.Statuses(colleague.Uuid));
        Assert.Equal("447700900001", app.StatusEvents(colleague.Uuid)[0].Field("from"));
        await caller.SaysAsync("thanks for taking this");
        await colleague.HearsPartyAsync(caller, "thanks for taking this");
        await colleague.HangUpAsync();
        Assert.True(caller.IsEnded);

        // Refused: a leg connected to nobody.
        var lone = await sim.CallAsync("447700900002", "447700900000");
        await Assert.ThrowsAsync<Calls.CallStateException>(() => sim.ControlAsync(c => c.HandOverAsync(lone.Uuid, CallEndpoint.Phone("447700900077"))).AsTask());
    }
}
