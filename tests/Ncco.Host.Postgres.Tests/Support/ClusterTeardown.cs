namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>
/// The end of a cluster test, passed or failed: what it started outside the database is stopped and removed — its
/// Kamailio front first (no new calls reach the nodes), then its node processes, then its work directory — whichever of
/// them had started when it stopped.
/// </summary>
public static class ClusterTeardown
{
    public static async Task RunAsync(KamailioFront? front, IEnumerable<NodeProcess?> nodes, string work)
    {
        if (front is not null) await front.DisposeAsync();
        foreach (var node in nodes)
        {
            if (node is not null) await node.DisposeAsync();
        }
        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
            // A node's files still held open: the temp directory is left to the system's clean-up.
        }
    }
}
