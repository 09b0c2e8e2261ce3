using System.Runtime.CompilerServices;

namespace Ncco.Media.Tests.Support;

/// <summary>
/// Bounded waits for tests: a result that never comes fails the test with a message naming what it waited for, instead of
/// hanging the whole run (a wedged decoder or a lost wake-up once left a test host idle for 12 minutes).
/// </summary>
internal static class Bounded
{
    /// <summary>
    /// Far beyond what any of these waits takes, even on a machine loaded many times over (a pocketsphinx decoder loads and
    /// decodes in seconds on an idle core; at a load average of 90 on 2 cores a dictation of one sentence was seen taking
    /// over 2 minutes); short enough that a hang is reported long before a CI job's own timeout.
    /// </summary>
    public static readonly TimeSpan Wait = TimeSpan.FromMinutes(5);

    /// <summary>Awaits <paramref name="task"/> for at most <see cref="Wait"/>; fails naming <paramref name="what"/> (by default the awaited expression) if it did not end.</summary>
    public static async Task<T> Within<T>(this Task<T> task, [CallerArgumentExpression(nameof(task))] string what = "")
    {
        ArgumentNullException.ThrowIfNull(task);
        await Within((Task)task, what);
        return await task;
    }

    /// <summary>Awaits <paramref name="task"/> for at most <see cref="Wait"/>; fails naming <paramref name="what"/> (by default the awaited expression) if it did not end.</summary>
    public static async Task Within(this Task task, [CallerArgumentExpression(nameof(task))] string what = "")
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            await task.WaitAsync(Wait);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new TimeoutException($"{what}: still waiting after {Wait.TotalSeconds:0} s (status {task.Status})");
        }
    }

    /// <summary>Awaits a value task for at most <see cref="Wait"/>; fails naming <paramref name="what"/> (by default the awaited expression) if it did not end.</summary>
    public static Task<T> Within<T>(this ValueTask<T> task, [CallerArgumentExpression(nameof(task))] string what = "") => task.AsTask().Within(what);

    /// <summary>Spins until <paramref name="condition"/> holds, at most <see cref="Wait"/>; fails naming <paramref name="what"/> (by default the condition) if it never did.</summary>
    public static void Until(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string what = "")
    {
        if (!SpinWait.SpinUntil(condition, Wait))
        {
            throw new TimeoutException($"{what}: not so after {Wait.TotalSeconds:0} s");
        }
    }
}
