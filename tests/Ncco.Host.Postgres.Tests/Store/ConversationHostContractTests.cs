using Ncco.Host.Cluster;

namespace Ncco.Host.Postgres.Tests.Store;

/// <summary>
/// The conversation-host directory's contract, one suite for both providers: <see cref="LocalConversationHostTests"/>
/// (one node, the SQLite store's directory) and <see cref="PostgresConversationHostTests"/> run each of these against a
/// fresh directory of their provider, as node <see cref="ConversationHostUnderTest.Directory"/>.
/// </summary>
public abstract class ConversationHostContractTests
{
    protected abstract Task<ConversationHostUnderTest> CreateAsync();

    [Fact]
    public async Task The_first_claim_hosts_the_conversation_here_and_later_claims_return_its_uuid()
    {
        await using var s = await CreateAsync();
        var first = await s.Directory.ClaimAsync("app", "room", "CON-1", default);
        var again = await s.Directory.ClaimAsync("app", "room", "CON-2", default);

        Assert.True(first.IsThisNode);
        Assert.Equal(s.Directory.ThisNode, first.NodeId);
        Assert.Equal("CON-1", first.ConversationId);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task Names_are_per_application()
    {
        await using var s = await CreateAsync();
        var a = await s.Directory.ClaimAsync("app-a", "room", "CON-a", default);
        var b = await s.Directory.ClaimAsync("app-b", "room", "CON-b", default);
        var other = await s.Directory.ClaimAsync("app-a", "other room", "CON-c", default);

        Assert.Equal(["CON-a", "CON-b", "CON-c"], [a.ConversationId, b.ConversationId, other.ConversationId]);
        Assert.Equal("CON-a", (await s.Directory.ClaimAsync("app-a", "room", "CON-x", default)).ConversationId);
    }

    [Fact]
    public async Task Releasing_frees_the_name_only_for_the_conversation_claimed()
    {
        await using var s = await CreateAsync();
        await s.Directory.ClaimAsync("app", "room", "CON-1", default);

        Assert.False(await s.Directory.ReleaseAsync("app", "room", "CON-other", default));
        Assert.False(await s.Directory.ReleaseAsync("other-app", "room", "CON-1", default));
        Assert.Equal("CON-1", (await s.Directory.ClaimAsync("app", "room", "CON-2", default)).ConversationId);

        Assert.True(await s.Directory.ReleaseAsync("app", "room", "CON-1", default));
        Assert.False(await s.Directory.ReleaseAsync("app", "room", "CON-1", default));
        var next = await s.Directory.ClaimAsync("app", "room", "CON-3", default);
        Assert.Equal("CON-3", next.ConversationId);
        Assert.True(next.IsThisNode);
    }

    [Fact]
    public async Task Claims_made_at_the_same_moment_agree_on_one_conversation()
    {
        await using var s = await CreateAsync();
        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => s.Directory.ClaimAsync("app", "busy", $"CON-{i}", default))));

        Assert.Single(claims.Select(c => c.ConversationId).Distinct());
        Assert.All(claims, c => Assert.True(c.IsThisNode));
    }

    [Fact]
    public async Task Empty_application_name_or_uuid_is_refused_naming_the_argument()
    {
        await using var s = await CreateAsync();
        Assert.Equal("applicationId", (await Assert.ThrowsAnyAsync<ArgumentException>(() => s.Directory.ClaimAsync("", "room", "CON-1", default))).ParamName);
        Assert.Equal("name", (await Assert.ThrowsAnyAsync<ArgumentException>(() => s.Directory.ClaimAsync("app", "", "CON-1", default))).ParamName);
        Assert.Equal("proposedConversationId", (await Assert.ThrowsAnyAsync<ArgumentException>(() => s.Directory.ClaimAsync("app", "room", "", default))).ParamName);
        Assert.Equal("conversationId", (await Assert.ThrowsAnyAsync<ArgumentException>(() => s.Directory.ReleaseAsync("app", "room", "", default))).ParamName);
    }

    [Fact]
    public async Task Names_are_taken_as_given_with_any_characters()
    {
        await using var s = await CreateAsync();
        var names = new[] { "Room 1", "room 1", "salle-été ✓", "a'b\"c;--", new string('n', 600) };
        var claims = new List<ConversationHost>();
        for (var i = 0; i < names.Length; i++) claims.Add(await s.Directory.ClaimAsync("app", names[i], $"CON-{i}", default));

        Assert.Equal(names.Select((_, i) => $"CON-{i}"), claims.Select(c => c.ConversationId));
        Assert.Equal("CON-3", (await s.Directory.ClaimAsync("app", "a'b\"c;--", "CON-x", default)).ConversationId);
    }
}

/// <summary>One provider's conversation-host directory, as one node sees it.</summary>
public sealed class ConversationHostUnderTest(IConversationHostDirectory directory, Func<ValueTask> dispose) : IAsyncDisposable
{
    public IConversationHostDirectory Directory { get; } = directory;

    public ValueTask DisposeAsync() => dispose();
}

/// <summary>The contract on a single node (the SQLite store): this node hosts every conversation.</summary>
public sealed class LocalConversationHostTests : ConversationHostContractTests
{
    protected override Task<ConversationHostUnderTest> CreateAsync() =>
        Task.FromResult(new ConversationHostUnderTest(new LocalConversationHostDirectory(), () => ValueTask.CompletedTask));
}
