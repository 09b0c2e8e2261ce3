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
}
