using Ncco.Calls;
using Ncco.Diagnostics;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>
/// Issue 19: a named conversation holds <see cref="NccoVmOptions.MaxConversationParticipants"/> legs (default 50, the
/// platform's limit; a host raises it for larger rooms). The next caller's <c>conversation</c> action is refused with an
/// error in the call log and its NCCO moves on; a place freed by a leaver is taken by the next caller.
/// </summary>
public class ConversationCapacityTests
{
    private static (VoiceSimulator Sim, WebhookApp App) Room(int? limit) =>
        Sim.With(NccoBuilder.Create().Conversation("capacity-room").Talk("The room is full"), o =>
        {
            if (limit is { } l) o.MaxConversationParticipants = l;
        });

    private static async Task<VirtualCall> JoinAsync(VoiceSimulator sim)
    {
        var call = await sim.CallAsync("447700900001", "447700900000");
        await sim.RunUntilIdleAsync(TimeSpan.Zero);
        return call;
    }

    private static int Participants(VoiceSimulator sim) => sim.Vm.FindNamedConversation("capacity-room")!.Participants.Count();

    [Fact]
    public async Task The_caller_past_a_raised_limit_is_refused_and_moves_on_and_a_freed_place_is_taken_again()
    {
        var (sim, _) = Room(3);
        await using var _s = sim;
        var members = new List<VirtualCall>();
        for (var i = 0; i < 3; i++) members.Add(await JoinAsync(sim));
        Assert.Equal(3, Participants(sim));

        var refused = await JoinAsync(sim);
        await refused.HearsAsync("The room is full");
        Assert.Equal(3, Participants(sim));
        Assert.Contains(sim.Log.Entries, e => e.Activity == VmActivity.Error && e.Text.Contains("conversation capacity-room is full (3 participants)", StringComparison.Ordinal));

        await members[0].HangUpAsync();
        await members[0].EndsAsync();
        await sim.RunUntilIdleAsync(TimeSpan.Zero);
        Assert.Equal(2, Participants(sim));
        await JoinAsync(sim);
        Assert.Equal(3, Participants(sim));
    }

    [Fact]
    public async Task By_default_a_room_holds_the_platforms_fifty_and_refuses_the_fifty_first()
    {
        Assert.Equal(50, ConversationAction.MaxParticipants);
        var (sim, _) = Room(null);
        await using var _s = sim;
        for (var i = 0; i < ConversationAction.MaxParticipants; i++) await JoinAsync(sim);
        Assert.Equal(50, Participants(sim));

        var refused = await JoinAsync(sim);
        await refused.HearsAsync("The room is full");
        Assert.Equal(50, Participants(sim));
    }

    [Fact]
    public void A_limit_below_one_is_refused_naming_the_option()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => VoiceSimulator.Start(new WebhookApp(), o => o.MaxConversationParticipants = 0));
        Assert.Equal("MaxConversationParticipants", error.ParamName);
    }
}
