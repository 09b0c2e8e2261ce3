using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.MediaPlane;

namespace Ncco.Host.Tests.MediaPlane;

public class MediaTickWorkersTests
{
    [Fact]
    public void Each_run_gives_every_worker_its_share_once_and_returns_only_when_all_are_done()
    {
        var counts = new int[3];
        var threads = new int[3];
        using (var workers = new MediaTickWorkers(3, i =>
        {
            Thread.Sleep(i); // the helpers finish after the caller: Run must still wait for them
            threads[i] = Environment.CurrentManagedThreadId;
            counts[i]++;
        }, NullLogger.Instance))
        {
            for (var tick = 1; tick <= 50; tick++)
            {
                workers.Run();
                Assert.Equal([tick, tick, tick], counts);
            }
        }
        Assert.Equal(Environment.CurrentManagedThreadId, threads[0]);
        Assert.Equal(3, threads.Distinct().Count());
    }

    [Fact]
    public void A_failing_share_on_a_helper_does_not_stop_later_ticks()
    {
        var runs = 0;
        using var workers = new MediaTickWorkers(2, i =>
        {
            if (i == 1) throw new InvalidOperationException("broken leg");
            runs++;
        }, NullLogger.Instance);
        workers.Run();
        workers.Run();
        Assert.Equal(2, runs);
    }
}
