using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ncco.Host.Persistence;
using Ncco.Host.Postgres.Cluster;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary><c>AddNccoPostgres()</c> (which <c>ncco serve</c> always calls) leaves a default, SQLite host exactly as it was.</summary>
public sealed class ProviderRegistrationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_the_default_store_registering_the_provider_changes_nothing(bool postgresFirst)
    {
        var directory = Directory.CreateTempSubdirectory("ncco-sqlite-").FullName;
        try
        {
            // Cluster settings are not checked without a cluster: an unusable node id does not stop a single node.
            var builder = WebApplication.CreateBuilder([$"--Ncco:DataDirectory={directory}", "--Ncco:Sip:Enabled=false", "--Ncco:Demo:Enabled=false",
                "--Ncco:Cluster:NodeId=not a node id!"]);
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders();
            if (postgresFirst) builder.AddNccoPostgres();
            builder.AddNccoHost();
            if (!postgresFirst) builder.AddNccoPostgres();
            await using var app = builder.Build();
            await app.UseNccoHostAsync();
            await app.StartAsync();

            Assert.IsType<SqliteStore>(app.Services.GetRequiredService<INccoStore>());
            Assert.IsType<SqliteApplicationRepository>(app.Services.GetRequiredService<Applications.IApplicationRepository>());
            Assert.IsType<SqliteCallRepository>(app.Services.GetRequiredService<Calls.ICallRepository>());
            Assert.True(File.Exists(Path.Combine(directory, "ncco.db")));
            Assert.True(File.Exists(Path.Combine(directory, "account.json")));
            Assert.Equal(0, app.Services.GetRequiredService<PostgresMembership>().Incarnation);
            Assert.True(app.Services.GetRequiredService<Calls.NodeAdmission>().TakesNewCalls);
            Assert.IsType<Host.Cluster.LocalConversationHostDirectory>(app.Services.GetRequiredService<Host.Cluster.IConversationHostDirectory>());
            await app.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
