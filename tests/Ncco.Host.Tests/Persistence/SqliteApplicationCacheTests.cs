using Ncco.Host.Applications;
using Ncco.Host.Persistence;

namespace Ncco.Host.Tests.Persistence;

/// <summary>
/// The SQLite repository keeps the applications it has read (every inbound call reads one): a read after the first
/// costs no query and no JSON parse, and every change made through it (add, replace, delete) is seen by the next read.
/// </summary>
public sealed class SqliteApplicationCacheTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ncco-app-cache-" + Guid.NewGuid().ToString("N"));
    private SqliteApplicationRepository _repository = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var database = SqliteDatabase.AtPath(Path.Combine(_directory, "ncco.db"));
        await database.MigrateAsync(CancellationToken.None);
        _repository = new SqliteApplicationRepository(database, TimeProvider.System);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private static readonly string PublicKey = CreatePublicKey();

    private static string CreatePublicKey()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        return rsa.ExportSubjectPublicKeyInfoPem();
    }

    private static Application App(string id, string answer) => new(id, "cached", PublicKey)
    {
        Voice = new VoiceCapability { AnswerUrl = new Webhook(new Uri(answer), "GET"), EventUrl = new Webhook(new Uri("https://example.com/event"), "POST") },
    };

    [Fact]
    public async Task A_second_read_of_an_application_is_served_from_memory_with_no_query_or_parse()
    {
        var id = Guid.NewGuid().ToString();
        await _repository.AddAsync(App(id, "https://example.com/answer"), CancellationToken.None);
        var first = await _repository.FindAsync(id, CancellationToken.None);
        var uncached = await BytesOfFindAsync(Guid.NewGuid().ToString());

        long bytes = 0;
        Application? again = null;
        for (var i = 0; i < 20; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            again = await _repository.FindAsync(id, CancellationToken.None);
            bytes = Math.Max(bytes, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Same(first, again);
        // A cached read is a dictionary lookup and its completed task; the store's read (a connection, a command, the
        // document and its parse) is kilobytes, and even a miss that finds nothing costs more than a hit.
        Assert.True(bytes <= 200, $"a cached read allocated {bytes} B (a read that queries: {uncached} B)");
        Assert.True(uncached > 1000, $"a read that queries allocated only {uncached} B: the bound above proves nothing");
    }

    private async Task<long> BytesOfFindAsync(string id)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(await _repository.FindAsync(id, CancellationToken.None));
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public async Task A_replaced_application_is_read_as_replaced_at_once()
    {
        var id = Guid.NewGuid().ToString();
        await _repository.AddAsync(App(id, "https://example.com/v1"), CancellationToken.None);
        Assert.Equal("https://example.com/v1", (await _repository.FindAsync(id, CancellationToken.None))!.Voice!.AnswerUrl!.Address.ToString());

        Assert.True(await _repository.ReplaceAsync(App(id, "https://example.com/v2"), CancellationToken.None));

        Assert.Equal("https://example.com/v2", (await _repository.FindAsync(id, CancellationToken.None))!.Voice!.AnswerUrl!.Address.ToString());
    }

    [Fact]
    public async Task A_deleted_application_is_gone_at_once_and_one_added_again_under_its_id_is_read_fresh()
    {
        var id = Guid.NewGuid().ToString();
        await _repository.AddAsync(App(id, "https://example.com/old"), CancellationToken.None);
        Assert.NotNull(await _repository.FindAsync(id, CancellationToken.None));

        Assert.True(await _repository.DeleteAsync(id, CancellationToken.None));
        Assert.Null(await _repository.FindAsync(id, CancellationToken.None));

        await _repository.AddAsync(App(id, "https://example.com/new"), CancellationToken.None);
        Assert.Equal("https://example.com/new", (await _repository.FindAsync(id, CancellationToken.None))!.Voice!.AnswerUrl!.Address.ToString());
    }

    [Fact]
    public async Task Reads_racing_with_replacements_never_keep_a_replaced_version()
    {
        var id = Guid.NewGuid().ToString();
        await _repository.AddAsync(App(id, "https://example.com/0"), CancellationToken.None);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await _repository.FindAsync(id, CancellationToken.None);
        })).ToArray();
        for (var i = 1; i <= 50; i++)
        {
            Assert.True(await _repository.ReplaceAsync(App(id, $"https://example.com/{i}"), CancellationToken.None));
            // Whatever the readers did meanwhile, a read after the replacement returned sees it (or a later one).
            Assert.Equal($"https://example.com/{i}", (await _repository.FindAsync(id, CancellationToken.None))!.Voice!.AnswerUrl!.Address.ToString());
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);
    }
}
