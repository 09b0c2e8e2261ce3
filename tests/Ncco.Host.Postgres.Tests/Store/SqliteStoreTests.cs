using Ncco.Host.Auth;
using Ncco.Host.Persistence;

namespace Ncco.Host.Postgres.Tests.Store;

/// <summary>The store contract on SQLite: a fresh <c>ncco.db</c> and <c>account.json</c> in a temporary data directory.</summary>
public sealed class SqliteStoreTests : StoreContractTests
{
    protected override async Task<StoreUnderTest> CreateAsync()
    {
        var directory = Directory.CreateTempSubdirectory("ncco-store-").FullName;
        var database = SqliteDatabase.AtPath(Path.Combine(directory, "ncco.db"));
        var store = new SqliteStore(database);
        await store.MigrateAsync(default);
        return new StoreUnderTest(store, new SqliteApplicationRepository(database, TimeProvider.System), new SqliteCallRepository(database),
            new SqliteRecordingRepository(database), new SqliteSipBindingRepository(database), new SqliteNumberRepository(database), new FileAccountCredentialsStore(directory),
            () => new FileAccountCredentialsStore(directory), () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(directory, recursive: true);
                return ValueTask.CompletedTask;
            });
    }
}
