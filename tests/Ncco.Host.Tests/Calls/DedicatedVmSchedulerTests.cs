using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Ncco.Host.Calls;

namespace Ncco.Host.Tests.Calls;

/// <summary>An application VM's work on a thread of its own (Ncco:Calls:VmThread).</summary>
public sealed class DedicatedVmSchedulerTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Posted_work_runs_in_order_on_the_VMs_own_thread_not_the_pool()
    {
        var scheduler = new DedicatedVmScheduler(TimeProvider.System, "app-1234567890", VmThread.Normal, NullLogger.Instance);
        var order = new List<int>();
        var threads = new List<(string? Name, bool Pool, bool OnVm)>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < 100; i++)
        {
            var n = i;
            Action work = () =>
            {
                order.Add(n);
                threads.Add((Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread, scheduler.IsOnVmThread));
                if (n == 99) done.SetResult();
            };
            if (n % 3 == 0) scheduler.PostSetup(work);
            else scheduler.Post(work);
        }
        await done.Task.WaitAsync(Guard);

        Assert.Equal(100, order.Count);
        Assert.All(threads, t => Assert.Equal(("ncco-vm app-1234", false, true), t));
        // One lane each keeps its own order (setup items may go first).
        Assert.Equal(Enumerable.Range(0, 100).Where(n => n % 3 != 0), order.Where(n => n % 3 != 0));
        Assert.Equal(Enumerable.Range(0, 100).Where(n => n % 3 == 0), order.Where(n => n % 3 == 0));
    }

    [Fact]
    public async Task An_await_inside_VM_work_resumes_on_the_VMs_thread()
    {
        var scheduler = new DedicatedVmScheduler(TimeProvider.System, "app", VmThread.Normal, NullLogger.Instance);
        var resumed = new TaskCompletionSource<(bool OnVm, bool Pool)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var elsewhere = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.Post(async () =>
        {
            await elsewhere.Task;
            resumed.SetResult((scheduler.IsOnVmThread, Thread.CurrentThread.IsThreadPoolThread));
        });
        await Task.Run(elsewhere.SetResult);

        Assert.Equal((true, false), await resumed.Task.WaitAsync(Guard));
    }

    [Fact]
    public async Task The_thread_ends_when_idle_and_the_next_post_starts_another()
    {
        var scheduler = new DedicatedVmScheduler(TimeProvider.System, "app", VmThread.Normal, NullLogger.Instance, idleLifetime: TimeSpan.FromMilliseconds(20));
        Assert.False(scheduler.HasThread);
        await RunAsync(scheduler, () => { });
        Assert.Equal(1, scheduler.ThreadsStarted);

        using var giveUp = new CancellationTokenSource(Guard);
        while (scheduler.HasThread) await Task.Delay(5, giveUp.Token);
        var ran = await RunAsync(scheduler, () => Thread.CurrentThread.Name);

        Assert.Equal("ncco-vm app", ran);
        Assert.Equal(2, scheduler.ThreadsStarted);
    }

    [Fact]
    public async Task Scheduled_work_runs_on_the_VMs_thread_when_its_time_comes()
    {
        var time = new FakeTimeProvider();
        var scheduler = new DedicatedVmScheduler(time, "app", VmThread.Normal, NullLogger.Instance);
        var fired = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = scheduler.Schedule(TimeSpan.FromSeconds(5), () => fired.SetResult(scheduler.IsOnVmThread));

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(fired.Task.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await fired.Task.WaitAsync(Guard));
    }

    [Fact]
    public async Task High_priority_runs_the_work_whether_or_not_the_system_grants_the_priority()
    {
        var scheduler = new DedicatedVmScheduler(TimeProvider.System, "app", VmThread.High, NullLogger.Instance);

        Assert.Equal("ncco-vm app", await RunAsync(scheduler, () => Thread.CurrentThread.Name));
    }

    [Fact]
    public async Task VM_work_runs_without_the_ambient_state_of_whoever_posted_it()
    {
        var scheduler = new DedicatedVmScheduler(TimeProvider.System, "app", VmThread.Normal, NullLogger.Instance);
        var ambient = new AsyncLocal<string>();
        using var request = new System.Diagnostics.Activity("rest-request").Start();
        ambient.Value = "the first poster's";

        var seen = await RunAsync(scheduler, () => (ambient.Value, System.Diagnostics.Activity.Current?.OperationName));

        Assert.Equal((null, null), seen);
    }

    [Fact]
    public void The_pool_is_no_dedicated_thread()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DedicatedVmScheduler(TimeProvider.System, "app", VmThread.Pool, NullLogger.Instance));
        Assert.Equal("priority", e.ParamName);
    }

    private static async Task<T> RunAsync<T>(DedicatedVmScheduler scheduler, Func<T> work)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.Post(() => result.SetResult(work()));
        return await result.Task.WaitAsync(Guard);
    }

    private static Task RunAsync(DedicatedVmScheduler scheduler, Action work) => RunAsync(scheduler, () =>
    {
        work();
        return 0;
    });
}
