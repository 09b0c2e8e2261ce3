using Ncco.Scheduling;

namespace Ncco.Host.Tests.Calls;

/// <summary>
/// The host runs every application's VM on the thread pool (<see cref="RealTimeScheduler"/>): a call's next step must
/// not wait behind the pool's whole backlog, which a burst of calls fills with event webhooks and SIP messages.
/// </summary>
public sealed class VmPoolSchedulingTests
{
    private const int Backlog = 1_000_000;

    [Fact]
    public async Task A_vm_step_posted_from_a_pool_thread_runs_ahead_of_the_pools_backlog()
    {
        var scheduler = new RealTimeScheduler();
        var backlog = new CountingItem();
        var ranBefore = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);

        // On a pool thread, as a webhook's completion is: a backlog goes to the pool's global queue first, then the VM is
        // handed its next step.
        await Task.Run(() =>
        {
            for (var i = 0; i < Backlog; i++) ThreadPool.UnsafeQueueUserWorkItem(backlog, preferLocal: false);
            scheduler.Post(() => ranBefore.TrySetResult(Volatile.Read(ref backlog.Ran)));
        });
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var before = await ranBefore.Task.WaitAsync(guard.Token);
        // The backlog drains before the test ends, so it does not slow the tests after it.
        while (Volatile.Read(ref backlog.Ran) < Backlog) await Task.Delay(10, guard.Token);

        // Behind the backlog (a global-queue item) it would have seen all but the few items other threads were running.
        Assert.True(before < Backlog - 10_000, $"the VM step ran after {before:N0} of {Backlog:N0} backlog items");
    }

    private sealed class CountingItem : IThreadPoolWorkItem
    {
        public long Ran;

        public void Execute() => Interlocked.Increment(ref Ran);
    }
}
