using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.Calls;

namespace Ncco.Host.Tests.Calls;

public sealed class CallJournalTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_finished_leg_is_still_answered_from_memory_after_it_is_written()
    {
        var repository = new MemoryCallRepository();
        var journal = new CallJournal(repository, NullLogger<CallJournal>.Instance);
        await journal.StartAsync(CancellationToken.None);
        try
        {
            var ended = Leg("a") with { EndTime = Created.AddMinutes(1) };
            journal.Record(Leg("a"));
            journal.Record(ended);
            await journal.FlushAsync(CancellationToken.None);

            Assert.Null(journal.Live("a"));
            Assert.Same(ended, journal.Latest("A"));
            Assert.Equal(ended, repository.Calls["a"]);
        }
        finally
        {
            await journal.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Only_the_most_recent_finished_legs_are_kept_and_the_store_keeps_all()
    {
        var repository = new MemoryCallRepository();
        var journal = new CallJournal(repository, NullLogger<CallJournal>.Instance);
        await journal.StartAsync(CancellationToken.None);
        try
        {
            for (var i = 0; i <= CallJournal.RecentlyEndedCapacity; i++)
            {
                journal.Record(Leg("leg-" + i) with { EndTime = Created.AddSeconds(i) });
            }
            await journal.FlushAsync(CancellationToken.None);

            Assert.Null(journal.Latest("leg-0"));
            Assert.NotNull(journal.Latest("leg-1"));
            Assert.NotNull(journal.Latest("leg-" + CallJournal.RecentlyEndedCapacity));
            Assert.Equal(CallJournal.RecentlyEndedCapacity + 1, repository.Calls.Count);
        }
        finally
        {
            await journal.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_live_leg_wins_over_its_older_finished_copy()
    {
        var repository = new MemoryCallRepository();
        var journal = new CallJournal(repository, NullLogger<CallJournal>.Instance);
        await journal.StartAsync(CancellationToken.None);
        try
        {
            journal.Record(Leg("b") with { EndTime = Created.AddMinutes(1) });
            await journal.FlushAsync(CancellationToken.None);
            var newer = Leg("b") with { Status = "completed", EndTime = Created.AddMinutes(2) };
            journal.Record(newer);

            Assert.Same(newer, journal.Latest("b"));
            await journal.FlushAsync(CancellationToken.None);
            Assert.Same(newer, journal.Latest("b"));
        }
        finally
        {
            await journal.StopAsync(CancellationToken.None);
        }
    }

    private static CallRecord Leg(string uuid) =>
        new(uuid, "app", "conv-" + uuid, "outbound", "started", CallParty.Of("phone", "447700900001"), Created);

    private sealed class MemoryCallRepository : ICallRepository
    {
        public ConcurrentDictionary<string, CallRecord> Calls { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Task WriteAsync(IReadOnlyList<CallRecord> calls, IReadOnlyList<CallEventRecord> events, CancellationToken cancellationToken)
        {
            foreach (var call in calls) Calls[call.Uuid] = call;
            return Task.CompletedTask;
        }

        public Task<CallRecord?> FindAsync(string uuid, CancellationToken cancellationToken) => Task.FromResult(Calls.GetValueOrDefault(uuid));

        public Task<(IReadOnlyList<CallRecord> Items, int Total)> ListAsync(string applicationId, CallQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<(IReadOnlyList<CallRecord>, int)>(([.. Calls.Values], Calls.Count));

        public Task<IReadOnlyList<CallEventRecord>> EventsAsync(string uuid, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CallEventRecord>>([]);

        public Task<IReadOnlyList<CallRecord>> ListUnfinishedAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CallRecord>>([.. Calls.Values.Where(c => !c.IsEnded)]);

        public Task<DateTimeOffset?> LastActivityAsync(CancellationToken cancellationToken) => Task.FromResult<DateTimeOffset?>(null);
    }
}
