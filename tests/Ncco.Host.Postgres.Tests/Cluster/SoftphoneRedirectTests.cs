using Ncco.Host.Postgres.Tests.Support;
using Xunit.Abstractions;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// A softphone user redirected before answer is challenged once: two node processes that both know user bob
/// (<c>Ncco:Sip:Users:bob</c>, owned by the application), node 1 hosting "room", the shipped Kamailio in front. Two of
/// bob's calls one after the other: a call that reaches node 2 first is challenged there, its INVITE with credentials
/// goes back to node 2 (the front remembers which node challenged a Call-ID: the nonce is that node's), which
/// authenticates it and redirects it to node 1. Node 1 continues the redirected call without a second challenge (SIPp fails on one: the
/// scenario has no place for it), and the application sees one call per caller.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SoftphoneRedirectTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task A_softphone_caller_redirected_to_the_host_of_its_conversation_is_not_challenged_again()
    {
        await using var cluster = await RedirectCluster.StartAsync(server, "softphone", 2,
            applicationId => ["--Ncco:Sip:Users:bob:Password=bobpw", $"--Ncco:Sip:Users:bob:Application={applicationId}"]);
        var (host, other) = (cluster.Nodes[0]!, cluster.Nodes[1]!);

        var (exit, sipp, log) = await cluster.CallAsync("Scenarios/uac-softphone-timed.xml", calls: 2, holdMs: 1500);
        Assert.True(exit == 0, $"SIPp exit {exit}:\n{sipp}\nfront:\n{cluster.Front.Output()}\n--- node 1:\n{host.Output()}\n--- node 2:\n{other.Output()}");
        var challenged = RedirectCluster.Logged(log, "challenged");
        var answered = RedirectCluster.Logged(log, "setup");
        output.WriteLine($"challenged: {string.Join(", ", challenged)}; answered: {string.Join(", ", answered)}");
        // Each caller was challenged once (by the node it reached first) and answered.
        Assert.Equal(2, challenged.Count);
        Assert.Equal(2, answered.Count);
        Assert.Equal(2, RedirectCluster.Logged(log, "local-bye").Count);
        // At least one was redirected from node 2 to node 1 after its challenge (the front sends the INVITE with credentials to
        // the node that challenged it, and round-robin counts both INVITEs of a call: both may reach node 2 first).
        var redirected = answered.Where(c => cluster.Front.Lines(c).Any(l => l.Contains($"redirected from {other.SipUri} to node {host.SipUri}", StringComparison.Ordinal))).ToList();
        Assert.True(redirected.Count >= 1, $"redirected callers: {redirected.Count}\n{cluster.Front.Output()}");

        var rows = await Eventually.ReturnsAsync(cluster.InboundCallsAsync, r => r.Count == 2 && r.All(c => c.Ended), "both calls' records final", TimeSpan.FromSeconds(20));
        Assert.All(rows, c => Assert.Equal(("node-1", "completed"), (c.Owner, c.Status)));
        await cluster.AssertOneCallPerCallerAsync(rows.Select(r => r.Uuid).ToList());
        // The redirected call kept node 2's verdict on its caller: a softphone user, authenticated.
        Assert.Equal(2, cluster.Hooks.Events.Count(e => e.TryGetProperty("status", out var s) && s.GetString() == "started"
            && e.TryGetProperty("from", out var from) && from.GetString() == "bob"));
        Assert.Equal(0L, await cluster.ScalarAsync<long>("SELECT count(*) FROM inbound_handoffs"));
    }
}
