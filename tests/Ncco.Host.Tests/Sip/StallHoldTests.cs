using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Ncco.Host.Legs.Sip;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// <see cref="StallHold"/>: a held INVITE's wait ends on whichever comes first — its call ending, a later branch of the
/// same caller read (<see cref="NewestBranches.Overtaken"/>), the hold running out on the host's clock, the node
/// stopping — and none of those endings throws anything in the process (the hold used to look for a later branch with a
/// 25 ms timed wait, one <see cref="TimeoutException"/> per look: up to 20 per held INVITE, in the burst after a stall).
/// </summary>
[Collection(FirstChanceExceptionCollection.Name)]
public sealed class StallHoldTests : IDisposable
{
    private const string Caller = "call-1\nfrom-a";
    private readonly ConcurrentQueue<string> _thrown = new();
    private readonly FakeTimeProvider _clock = new();

    public StallHoldTests() => AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;

    public void Dispose() => AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;

    private void OnFirstChance(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
    {
        // Only what the product's code is on the stack of (as SipCallExceptionsTests: the test process holds others' timers).
        var stack = Environment.StackTrace;
        if (!stack.Split('\n').Any(l => l.TrimStart().StartsWith("at Ncco.Host.Legs.", StringComparison.Ordinal))) return;
        _thrown.Enqueue($"{e.Exception.GetType().FullName}: {e.Exception.Message}\n{stack}");
    }

    [Fact]
    public async Task A_hold_nothing_interrupts_runs_out_on_the_host_clock_and_throws_nothing()
    {
        var branches = new NewestBranches();
        branches.Arrived(Caller, 1);
        var ended = new TaskCompletionSource<int>();
        var hold = StallHold.WaitAsync(ended.Task, branches.Overtaken(Caller, 1), _clock, ProcessStallWatch.Hold, CancellationToken.None);
        // Where the poll looked 20 times (each look a thrown TimeoutException), the clock now moves in 25 ms steps.
        for (var step = TimeSpan.Zero; step < ProcessStallWatch.Hold - TimeSpan.FromMilliseconds(25); step += TimeSpan.FromMilliseconds(25))
        {
            _clock.Advance(TimeSpan.FromMilliseconds(25));
            await Task.Yield();
            Assert.False(hold.IsCompleted, $"the hold ended {step + TimeSpan.FromMilliseconds(25)} in, before {ProcessStallWatch.Hold}");
        }
        _clock.Advance(TimeSpan.FromMilliseconds(25));
        Assert.Equal(StallHoldOutcome.Elapsed, await hold.WaitAsync(TimeSpan.FromSeconds(10)));
        AssertNothingThrown();
    }

    [Fact]
    public async Task A_later_branch_ends_the_hold_at_once_without_the_clock_moving()
    {
        var branches = new NewestBranches();
        branches.Arrived(Caller, 1);
        var hold = StallHold.WaitAsync(new TaskCompletionSource<int>().Task, branches.Overtaken(Caller, 1), _clock, ProcessStallWatch.Hold, CancellationToken.None);
        Assert.False(hold.IsCompleted);
        branches.Arrived(Caller, 2);
        Assert.Equal(StallHoldOutcome.Overtaken, await hold.WaitAsync(TimeSpan.FromSeconds(10)));
        // The later branch's own hold is not overtaken by it.
        Assert.False(branches.Overtaken(Caller, 2).IsCompleted);
        AssertNothingThrown();
    }

    [Fact]
    public async Task The_call_ending_ends_the_hold_at_once_and_wins_over_a_later_branch()
    {
        var branches = new NewestBranches();
        branches.Arrived(Caller, 1);
        var ended = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var hold = StallHold.WaitAsync(ended.Task, branches.Overtaken(Caller, 1), _clock, ProcessStallWatch.Hold, CancellationToken.None);
        ended.SetResult(487);
        Assert.Equal(StallHoldOutcome.Ended, await hold.WaitAsync(TimeSpan.FromSeconds(10)));
        // Both already true: the ended call is what the gateway must see (nothing left to refuse).
        branches.Arrived(Caller, 2);
        Assert.Equal(StallHoldOutcome.Ended, await StallHold.WaitAsync(ended.Task, branches.Overtaken(Caller, 1), _clock, ProcessStallWatch.Hold, CancellationToken.None));
        AssertNothingThrown();
    }

    [Fact]
    public async Task A_faulted_call_or_a_stopping_node_ends_the_hold_without_a_throw()
    {
        var branches = new NewestBranches();
        branches.Arrived(Caller, 1);
        using var stopping = new CancellationTokenSource();
        var hold = StallHold.WaitAsync(new TaskCompletionSource<int>().Task, branches.Overtaken(Caller, 1), _clock, ProcessStallWatch.Hold, stopping.Token);
        await stopping.CancelAsync();
        Assert.Equal(StallHoldOutcome.Stopping, await hold.WaitAsync(TimeSpan.FromSeconds(10)));
        var faulted = Task.FromException<int>(new InvalidOperationException("made by the test"));
        Assert.Equal(StallHoldOutcome.Ended, await StallHold.WaitAsync(faulted, branches.Overtaken(Caller, 1), _clock, ProcessStallWatch.Hold, CancellationToken.None));
        AssertNothingThrown();
    }

    [Fact]
    public async Task A_burst_of_held_invites_throws_nothing_whichever_way_each_hold_ends()
    {
        var branches = new NewestBranches();
        var holds = new List<Task<StallHoldOutcome>>();
        var calls = new List<TaskCompletionSource<int>>();
        for (var i = 0; i < 60; i++)
        {
            var caller = $"call-{i / 2}\nfrom";
            branches.Arrived(caller, i);
            var ended = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            calls.Add(ended);
            holds.Add(StallHold.WaitAsync(ended.Task, branches.Overtaken(caller, i), _clock, ProcessStallWatch.Hold, CancellationToken.None));
        }
        // Every odd one is the later branch of the even one before it; every fourth later branch is cancelled by the front.
        for (var i = 3; i < 60; i += 4) calls[i].SetResult(487);
        for (var t = 0; t < 20; t++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(25));
            await Task.Yield();
        }
        var outcomes = await Task.WhenAll(holds).WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 60; i++)
        {
            var expected = i % 2 == 0 ? StallHoldOutcome.Overtaken : i % 4 == 3 ? StallHoldOutcome.Ended : StallHoldOutcome.Elapsed;
            Assert.Equal(expected, outcomes[i]);
        }
        AssertNothingThrown();
    }

    private void AssertNothingThrown() =>
        Assert.True(_thrown.IsEmpty, $"{_thrown.Count} first-chance exceptions with the hold on the stack; the first:\n{_thrown.FirstOrDefault()}");
}
