using Ncco.Media.Native;
using Ncco.Media.Pcm;

namespace Ncco.Media.Tests.Native;

public class MediaThreadSchedulingTests
{
    // Each attempt runs on a throwaway thread: a raised priority must not stay on a test runner's thread.
    private static (bool Applied, string? Error) OnFreshThread(MediaThreadPriority priority)
    {
        (bool, string?) result = default;
        var thread = new Thread(() =>
        {
            var applied = MediaThreadScheduling.TryApply(priority, out var error);
            result = (applied, error);
        });
        thread.Start();
        thread.Join();
        return result;
    }

    [Fact]
    public void Another_thread_that_does_not_exist_is_refused_with_the_call_and_errno()
    {
        // Thread ids are at most 2^22 on Linux: int.MaxValue names no thread (ESRCH), whatever the privileges.
        Assert.Equal((true, null), (MediaThreadScheduling.TryApply(int.MaxValue, MediaThreadPriority.Normal, out var none), none));
        var applied = MediaThreadScheduling.TryApply(int.MaxValue, MediaThreadPriority.High, out var error);
        Assert.False(applied);
        Assert.Contains(OperatingSystem.IsLinux() ? "setpriority" : "only set on Linux", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Normal_priority_asks_nothing_of_the_system()
    {
        Assert.Equal((true, null), OnFreshThread(MediaThreadPriority.Normal));
    }

    [Theory]
    [InlineData(MediaThreadPriority.High, "setpriority")]
    [InlineData(MediaThreadPriority.Realtime, "sched_setscheduler")]
    public void A_raised_priority_is_applied_or_refused_with_the_call_and_errno(MediaThreadPriority priority, string call)
    {
        // Whether the system allows it depends on the privileges the tests run with (CAP_SYS_NICE); either way the
        // answer must be consistent and a refusal must say which call failed and why.
        var (applied, error) = OnFreshThread(priority);
        if (applied)
        {
            Assert.True(OperatingSystem.IsLinux());
            Assert.Null(error);
        }
        else if (OperatingSystem.IsLinux())
        {
            Assert.Contains(call, error, StringComparison.Ordinal);
            Assert.Contains("errno", error, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("thread priorities are only set on Linux", error);
        }
    }

    [Fact]
    public void A_realtime_thread_leaves_the_realtime_policy_and_takes_it_back()
    {
        // On a fresh thread: the policy must not stay on a test runner's thread. Where real-time is refused (no
        // CAP_SYS_NICE, not Linux) the thread is never real-time and leaving changes nothing.
        var steps = new List<bool>();
        var thread = new Thread(() =>
        {
            var applied = MediaThreadScheduling.TryApply(MediaThreadPriority.Realtime, out _);
            steps.Add(applied);
            steps.Add(MediaThreadScheduling.IsRealtime());
            steps.Add(MediaThreadScheduling.TryLeaveRealtime());
            steps.Add(MediaThreadScheduling.IsRealtime());
            steps.Add(applied && MediaThreadScheduling.TryApply(MediaThreadPriority.Realtime, out _));
            steps.Add(MediaThreadScheduling.IsRealtime());
        });
        thread.Start();
        thread.Join();
        if (steps[0])
        {
            Assert.Equal([true, true, true, false, true, true], steps);
        }
        else
        {
            Assert.Equal([false, false, OperatingSystem.IsLinux(), false, false, false], steps);
        }
    }

    [Fact]
    public void A_sender_thread_becomes_real_time_or_is_refused_naming_sched_fifo_and_the_errno()
    {
        // On a fresh thread (the policy must not stay on a test runner's thread). Granted (CAP_SYS_NICE), the thread is
        // real-time; refused, it is not and the reason names the call, the policy and the errno.
        var steps = new List<bool>();
        string? error = null;
        var thread = new Thread(() =>
        {
            steps.Add(MediaThreadScheduling.TryApplySender(out error));
            steps.Add(MediaThreadScheduling.IsRealtime());
        });
        thread.Start();
        thread.Join();
        if (steps[0])
        {
            Assert.Equal([true, true], steps);
            Assert.Null(error);
        }
        else
        {
            Assert.Equal([false, false], steps);
            Assert.Contains(OperatingSystem.IsLinux() ? $"SCHED_FIFO {MediaThreadScheduling.SenderRealtimePriority}) failed: errno" : "only set on Linux", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_precise_sleep_of_nothing_returns_at_once_where_it_is_supported()
    {
        Assert.Equal(OperatingSystem.IsLinux(), MediaThreadScheduling.TrySleepPrecise(TimeSpan.Zero));
        Assert.Equal(OperatingSystem.IsLinux(), MediaThreadScheduling.TrySleepPrecise(TimeSpan.FromTicks(-1)));
    }
}
