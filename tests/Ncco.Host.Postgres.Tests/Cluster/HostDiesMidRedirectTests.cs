using Ncco.Host.Postgres.Tests.Support;
using Xunit.Abstractions;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// The host of a conversation dies while a caller is being redirected to it: three node processes on PostgreSQL, the
/// shipped Kamailio in front, node 1 hosting "room". Node 1 is killed (<c>kill -9</c>) and a caller dials in at once,
/// before the others judge node 1 dead (<c>DeadAfter</c> 3 s), so the node it reaches redirects it to node 1; the
/// redirected INVITE gets no answer and the front gives the same hand-off to the next node, which continues the same call.
/// The caller is answered by a live node, once; the application sees one call (one uuid, each status once, its answer
/// webhook asked once), owned by the node that took the hand-off; no hand-off row is left.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HostDiesMidRedirectTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task The_front_gives_the_hand_off_of_a_host_that_died_to_the_next_node_which_continues_the_same_call()
    {
        await using var cluster = await RedirectCluster.StartAsync(server, "hostdies", 3);
        var host = cluster.Nodes[0]!;

        await host.KillAsync();
        var (exit, sipp, log) = await cluster.CallAsync("Scenarios/uac-timed.xml", calls: 1, holdMs: 1500);
        var callId = RedirectCluster.Logged(log, "setup").SingleOrDefault();
        var trace = callId is null ? cluster.Front.Output() : string.Join('\n', cluster.Front.Lines(callId));
        output.WriteLine(trace);
        Assert.True(exit == 0 && callId is not null, $"SIPp exit {exit}:\n{sipp}\nfront:\n{cluster.Front.Output()}\n--- node 2:\n{cluster.Nodes[1]!.Output()}\n--- node 3:\n{cluster.Nodes[2]!.Output()}");
        // The case under test: a live node redirected the caller to the dead host, and the front moved the hand-off on.
        Assert.Contains("to node " + host.SipUri, trace, StringComparison.Ordinal);
        Assert.Contains("failed over from " + host.SipUri, trace, StringComparison.Ordinal);

        var rows = await Eventually.ReturnsAsync(cluster.InboundCallsAsync, r => r.Count == 1 && r[0].Ended, "the call's record final", TimeSpan.FromSeconds(30));
        var call = rows[0];
        Assert.NotEqual("node-1", call.Owner);
        Assert.Equal("completed", call.Status);
        await cluster.AssertOneCallPerCallerAsync([call.Uuid]);
        Assert.Equal(0L, await cluster.ScalarAsync<long>("SELECT count(*) FROM inbound_handoffs"));
    }
}
