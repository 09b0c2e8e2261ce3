using Ncco.Host.Legs.Sip;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// <see cref="NewestBranches"/>: of one caller's INVITEs, the one read last is the newest whatever order they are
/// recorded or asked about in; callers are apart; an entry goes with its newest INVITE's call and not with an older one.
/// </summary>
public sealed class NewestBranchesTests
{
    [Fact]
    public void A_later_branch_of_one_caller_overtakes_the_earlier_one()
    {
        var branches = new NewestBranches();
        branches.Arrived("call-1\nfrom-a", 3);
        Assert.True(branches.IsNewest("call-1\nfrom-a", 3));
        branches.Arrived("call-1\nfrom-a", 7);
        Assert.False(branches.IsNewest("call-1\nfrom-a", 3));
        Assert.True(branches.IsNewest("call-1\nfrom-a", 7));
        // Recorded out of order (their tasks ran the other way round): the later arrival still wins.
        branches.Arrived("call-1\nfrom-a", 5);
        Assert.True(branches.IsNewest("call-1\nfrom-a", 7));
        Assert.False(branches.IsNewest("call-1\nfrom-a", 5));
    }

    [Fact]
    public void Callers_are_told_apart_by_call_id_and_from_tag()
    {
        var branches = new NewestBranches();
        branches.Arrived("call-1\nfrom-a", 1);
        branches.Arrived("call-1\nfrom-b", 2);
        branches.Arrived("call-2\nfrom-a", 3);
        Assert.True(branches.IsNewest("call-1\nfrom-a", 1));
        Assert.True(branches.IsNewest("call-1\nfrom-b", 2));
        Assert.True(branches.IsNewest("call-2\nfrom-a", 3));
        Assert.Equal(3, branches.Count);
    }

    [Fact]
    public void An_entry_goes_when_the_newest_call_ends_not_an_older_one()
    {
        var branches = new NewestBranches();
        branches.Arrived("call-1\nfrom-a", 1);
        branches.Arrived("call-1\nfrom-a", 2);
        branches.Ended("call-1\nfrom-a", 1);
        Assert.Equal(1, branches.Count);
        Assert.False(branches.IsNewest("call-1\nfrom-a", 1));
        branches.Ended("call-1\nfrom-a", 2);
        Assert.Equal(0, branches.Count);
    }

    [Fact]
    public void Many_callers_recorded_at_once_keep_one_entry_each_and_leave_none()
    {
        var branches = new NewestBranches();
        Parallel.For(0, 2000, i =>
        {
            var caller = $"call-{i % 100}\nfrom";
            branches.Arrived(caller, i);
        });
        Assert.Equal(100, branches.Count);
        for (var c = 0; c < 100; c++)
        {
            // The newest of caller c is the largest i with i % 100 == c.
            var newest = 1900 + c;
            Assert.True(branches.IsNewest($"call-{c}\nfrom", newest));
            Assert.False(branches.IsNewest($"call-{c}\nfrom", newest - 100));
            branches.Ended($"call-{c}\nfrom", newest);
        }
        Assert.Equal(0, branches.Count);
    }

    [Fact]
    public async Task Overtaken_completes_when_a_later_branch_arrives_and_not_for_an_earlier_one()
    {
        var branches = new NewestBranches();
        branches.Arrived("call-1\nfrom-a", 5);
        var overtaken = branches.Overtaken("call-1\nfrom-a", 5);
        Assert.Same(overtaken, branches.Overtaken("call-1\nfrom-a", 5));
        // An earlier INVITE recorded late (its task ran after the later one's) overtakes nothing.
        branches.Arrived("call-1\nfrom-a", 4);
        Assert.False(overtaken.IsCompleted);
        // Another caller neither.
        branches.Arrived("call-1\nfrom-b", 9);
        Assert.False(overtaken.IsCompleted);
        branches.Arrived("call-1\nfrom-a", 6);
        await overtaken.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(overtaken.IsCompletedSuccessfully);
        // Asked after the fact: already complete. The newest is not overtaken.
        Assert.True(branches.Overtaken("call-1\nfrom-a", 5).IsCompletedSuccessfully);
        Assert.False(branches.Overtaken("call-1\nfrom-a", 6).IsCompleted);
    }

    [Fact]
    public void Overtaken_of_an_arrival_recorded_after_it_was_asked_for_is_that_arrivals_own()
    {
        var branches = new NewestBranches();
        branches.Arrived("call-1\nfrom-a", 1);
        // Arrival 2 asks before its own Arrived ran (the order the tasks ran in): it is the newest, not overtaken.
        var second = branches.Overtaken("call-1\nfrom-a", 2);
        Assert.False(second.IsCompleted);
        branches.Arrived("call-1\nfrom-a", 2);
        Assert.False(second.IsCompleted);
        Assert.True(branches.Overtaken("call-1\nfrom-a", 1).IsCompletedSuccessfully);
        branches.Arrived("call-1\nfrom-a", 3);
        Assert.True(second.IsCompletedSuccessfully);
    }

    [Fact]
    public void Overtaken_of_a_caller_no_longer_recorded_never_completes_and_adds_no_entry()
    {
        var branches = new NewestBranches();
        branches.Arrived("call-1\nfrom-a", 1);
        branches.Ended("call-1\nfrom-a", 1);
        Assert.False(branches.Overtaken("call-1\nfrom-a", 1).IsCompleted);
        Assert.Equal(0, branches.Count);
    }
}
