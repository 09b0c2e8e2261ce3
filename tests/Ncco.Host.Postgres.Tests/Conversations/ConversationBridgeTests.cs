using System.Text.Json;
using Ncco.Host.Postgres.Tests.Support;

namespace Ncco.Host.Postgres.Tests.Conversations;

/// <summary>
/// A named conversation whose legs land on different nodes (real processes on one PostgreSQL store): the first leg's
/// node hosts it, a leg on another node is bridged there (an internal WebSocket carrying its audio, a stand-in under its
/// uuid on the host). WebSocket legs are the audio probes: each sends tones and records what it hears.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConversationBridgeTests(PostgresServer server)
{
    private const string MediaLegs = "ncco_media_legs_active";

    private static object Conversation(string name, object? options = null)
    {
        var action = new Dictionary<string, object> { ["action"] = "conversation", ["name"] = name };
        if (options is not null)
        {
            foreach (var p in JsonSerializer.SerializeToElement(options).EnumerateObject()) action[p.Name] = p.Value;
        }
        return action;
    }

    [Fact]
    public async Task Legs_on_two_nodes_hear_each_other_in_one_conversation_report_its_uuid_and_hanging_up_removes_the_bridge()
    {
        await using var cluster = await BridgeCluster.StartAsync(await server.CreateDatabaseAsync(), nodes: 2, rtpBase: 45000);
        var (a, socketA) = await cluster.CallAsync(0, Conversation("room"));
        var (b, socketB) = await cluster.CallAsync(1, Conversation("room"));

        await BridgeCluster.HearsAsync(socketA, socketB, 600, "the leg on node 2 hearing the leg on node 1 " + cluster.Output());
        await BridgeCluster.HearsAsync(socketB, socketA, 900, "the leg on node 1 hearing the leg on node 2");
        // The host mixes its leg and the stand-in; the other node its leg and the bridge.
        Assert.Equal(2, await cluster.GaugeAsync(0, MediaLegs));
        Assert.Equal(2, await cluster.GaugeAsync(1, MediaLegs));

        var hostsUuid = TransferredTo(cluster, a);
        Assert.Equal(hostsUuid, TransferredTo(cluster, b));

        await cluster.ModifyAsync(1, b, "hangup");
        var completedB = await Eventually.ReturnsAsync(() => Task.FromResult(cluster.Hooks.StatusEvents(b, "completed")), e => e.Count == 1, "b completed");
        Assert.Equal(hostsUuid, completedB[0].GetProperty("conversation_uuid").GetString());
        // The bridge is gone on both ends: the host mixes its own leg only, the other node nothing.
        await Eventually.ReturnsAsync(() => cluster.GaugeAsync(0, MediaLegs), n => n == 1, "the stand-in leaving the host's mix");
        await Eventually.ReturnsAsync(() => cluster.GaugeAsync(1, MediaLegs), n => n == 0, "the bridge closing on node 2");
        // Only the real legs are calls: the stand-in and the bridge sent no events.
        Assert.All(cluster.Hooks.Events, e => Assert.Contains(e.GetProperty("uuid").GetString(), new[] { a, b }));
        Assert.Empty(cluster.Hooks.StatusEvents(a, "completed"));

        await cluster.ModifyAsync(0, a, "hangup");
        var completedA = await Eventually.ReturnsAsync(() => Task.FromResult(cluster.Hooks.StatusEvents(a, "completed")), e => e.Count == 1, "a completed");
        Assert.Equal(hostsUuid, completedA[0].GetProperty("conversation_uuid").GetString());
    }

    [Fact]
    public async Task CanHear_canSpeak_REST_mute_and_endOnExit_of_a_bridged_leg_apply_on_the_host()
    {
        await using var cluster = await BridgeCluster.StartAsync(await server.CreateDatabaseAsync(), nodes: 2, rtpBase: 45300);
        var (a, socketA) = await cluster.CallAsync(0, Conversation("panel"));
        var (c, socketC) = await cluster.CallAsync(0, Conversation("panel"));
        var (b, socketB) = await cluster.CallAsync(1, Conversation("panel", new { canHear = new[] { a }, canSpeak = new[] { c }, endOnExit = true }));

        await BridgeCluster.HearsAsync(socketA, socketB, 600, "b hearing a (canHear: [a]) " + cluster.Output());
        Assert.True(await BridgeCluster.ToneHeardAsync(socketC, socketB, 900) < 0.05, "b heard c, which its canHear leaves out");
        await BridgeCluster.HearsAsync(socketB, socketC, 1200, "c hearing b (canSpeak: [c])");
        Assert.True(await BridgeCluster.ToneHeardAsync(socketB, socketA, 1200) < 0.05, "a heard b, which b's canSpeak leaves out");

        // Muted by REST through the host node (forwarded to b's node): nothing of b crosses; unmuted, it does again.
        await cluster.ModifyAsync(0, b, "mute");
        Assert.True(await BridgeCluster.ToneHeardAsync(socketB, socketC, 1200) < 0.05, "c heard b while b was muted");
        await cluster.ModifyAsync(0, b, "unmute");
        await BridgeCluster.HearsAsync(socketB, socketC, 1200, "c hearing b unmuted");
        // Earmuffed: b hears nothing of the conversation.
        await cluster.ModifyAsync(1, b, "earmuff");
        Assert.True(await BridgeCluster.ToneHeardAsync(socketA, socketB, 600) < 0.05, "b heard a while earmuffed");

        // b leaves with endOnExit: the whole conversation ends on the host, whose legs' NCCOs then finish.
        await cluster.ModifyAsync(1, b, "hangup");
        await Eventually.ReturnsAsync(() => Task.FromResult(cluster.Hooks.StatusEvents(a, "completed").Count + cluster.Hooks.StatusEvents(c, "completed").Count),
            n => n == 2, "a and c completed when b (endOnExit) left");
    }

    [Fact]
    public async Task When_the_host_dies_its_bridged_legs_leave_and_the_next_joiner_re_hosts_the_conversation_under_its_uuid()
    {
        await using var cluster = await BridgeCluster.StartAsync(await server.CreateDatabaseAsync(), nodes: 3, rtpBase: 45600);
        var (a, socketA) = await cluster.CallAsync(0, Conversation("lobby"));
        var (b, socketB) = await cluster.CallAsync(1, Conversation("lobby"));
        await BridgeCluster.HearsAsync(socketA, socketB, 600, "b hearing a " + cluster.Output());
        var uuid = TransferredTo(cluster, a);

        await cluster.Nodes[0]!.KillAsync();
        // The bridge dropping ends b's part as the conversation's end would: its NCCO (only the conversation) is over.
        await Eventually.ReturnsAsync(() => Task.FromResult(cluster.Hooks.StatusEvents(b, "completed")), e => e.Count == 1, "b completed once its host died");

        // Once node 1 is dead (DeadAfter 3 s), the next joiner's node takes the conversation over, keeping its uuid.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        var (d, socketD) = await cluster.CallAsync(2, Conversation("lobby"));
        var (e, socketE) = await cluster.CallAsync(1, Conversation("lobby"));
        await BridgeCluster.HearsAsync(socketD, socketE, 700, "e (node 2) hearing d (node 3, the new host) " + cluster.Output());
        await BridgeCluster.HearsAsync(socketE, socketD, 1100, "d hearing e");
        Assert.Equal(uuid, TransferredTo(cluster, d));
        Assert.Equal(uuid, TransferredTo(cluster, e));
        Assert.Equal(2, await cluster.GaugeAsync(2, MediaLegs));
    }

    /// <summary>The conversation the leg's <c>transfer</c> event (its joining the named conversation) moved it to.</summary>
    private static string TransferredTo(BridgeCluster cluster, string uuid)
    {
        var transfer = cluster.Hooks.Events.LastOrDefault(e => e.GetProperty("uuid").GetString() == uuid && e.TryGetProperty("conversation_uuid_to", out _));
        Assert.True(transfer.ValueKind == JsonValueKind.Object, $"no transfer event of {uuid}");
        return transfer.GetProperty("conversation_uuid_to").GetString()!;
    }
}
