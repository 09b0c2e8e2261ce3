using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Cluster;
using Ncco.Host.Postgres.Cluster;
using Ncco.Host.Postgres.Tests.Support;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// The conversation-host directory as real nodes register it (<c>AddNccoPostgres</c>), on their real membership:
/// heartbeats, a stop that is dead at once, a restart as a new incarnation.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConversationHostClusterTests(PostgresServer server)
{
    [Fact]
    public async Task A_stopped_hosts_conversation_is_re_hosted_by_the_next_claimant_and_its_restart_finds_it_there()
    {
        var database = await server.CreateDatabaseAsync();
        await using var b = await ClusterNode.StartAsync(database, "node-b");
        var onB = b.Services.GetRequiredService<IConversationHostDirectory>();
        Assert.IsType<PostgresConversationHostDirectory>(onB);
        ConversationHost hosted;
        await using (var a = await ClusterNode.StartAsync(database, "node-a"))
        {
            hosted = await a.Services.GetRequiredService<IConversationHostDirectory>().ClaimAsync("app", "room", "CON-on-a", default);
            Assert.Equal(new ConversationHost("node-a", "CON-on-a", new Uri("http://node-a.internal:8080/"), IsThisNode: true), hosted);
            Assert.Equal(hosted with { IsThisNode = false }, await onB.ClaimAsync("app", "room", "CON-on-b", default));
            await a.StopAsync();
        }

        var reHosted = await onB.ClaimAsync("app", "room", "CON-on-b", default);
        Assert.Equal(new ConversationHost("node-b", "CON-on-a", new Uri("http://node-b.internal:8080/"), IsThisNode: true), reHosted);

        await using var again = await ClusterNode.StartAsync(database, "node-a");
        Assert.Equal(2, again.Membership.Incarnation);
        Assert.Equal(reHosted with { IsThisNode = false }, await again.Services.GetRequiredService<IConversationHostDirectory>().ClaimAsync("app", "room", "CON-x", default));
    }

    [Fact]
    public async Task A_host_cut_from_the_database_loses_its_conversation_to_the_next_claimant_once_dead()
    {
        var database = await server.CreateDatabaseAsync();
        await using var cutter = TcpCutter.InFrontOf(database);
        var throughCutter = cutter.Through(database);
        await using var a = await ClusterNode.StartAsync(throughCutter, "node-a");
        await using var b = await ClusterNode.StartAsync(database, "node-b");
        var onB = b.Services.GetRequiredService<IConversationHostDirectory>();
        await a.Services.GetRequiredService<IConversationHostDirectory>().ClaimAsync("app", "room", "CON-on-a", default);

        Assert.Equal("node-a", (await onB.ClaimAsync("app", "room", "CON-on-b", default)).NodeId);

        cutter.Cut();
        // (A heartbeat only late keeps the claim: PostgresConversationHostTests ages it without racing real time.)
        var reHosted = await Eventually.ReturnsAsync(() => onB.ClaimAsync("app", "room", "CON-on-b", default), h => h.IsThisNode, "node-b re-hosting the conversation");
        Assert.Equal(("node-b", "CON-on-a"), (reHosted.NodeId, reHosted.ConversationId));
    }
}
