using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Operations;
using Ncco.Host.Postgres.Tests.Support;
using Ncco.Host.Recordings;
using Ncco.Media.Wav;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// Two nodes with one recordings folder (<c>Ncco:Recordings:Directory</c>): a node's crash recovery adopts only the
/// partial recordings its own node id claimed, never those another live node is writing, and a finished recording is
/// downloadable from either node.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedRecordingsTests(PostgresServer server)
{
    [Fact]
    public async Task Crash_recovery_adopts_only_this_nodes_partial_recordings_and_any_node_serves_the_finished_file()
    {
        var database = await server.CreateDatabaseAsync();
        var shared = Directory.CreateTempSubdirectory("ncco-shared-recordings-").FullName;
        try
        {
            void Shared(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) => builder.Configuration["Ncco:Recordings:Directory"] = shared;
            var b = await ClusterNode.StartAsync(database, "node-b", router: null, configure: Shared);
            ClusterNode? a = null;
            try
            {
                Assert.Equal(shared, b.Services.GetRequiredService<RecordingStore>().Directory);
                Assert.Equal("node-b", b.Services.GetRequiredService<RecordingStore>().NodeId);
                var keys = Applications.KeyPair.Generate();
                using var created = await b.Client.PostAsJsonAsync("/v2/applications", new
                {
                    name = "recorded",
                    keys = new { public_key = keys.PublicKeyPem },
                    capabilities = new { voice = new { webhooks = new { event_url = new { address = "http://127.0.0.1:9/events", http_method = "POST" } } } },
                });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                var applicationId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

                // Node A crashed while recording; node B is recording right now (its partial file, claim and a transcode in progress).
                var ofA = Partial(shared, applicationId, "node-a");
                var ofB = Partial(shared, applicationId, "node-b");
                var transcodingOfB = Path.Combine(shared, ofB + ".mp3.encoding");
                await File.WriteAllBytesAsync(transcodingOfB, [1, 2, 3]);
                File.Copy(Path.Combine(shared, ofB + ".wav.partial.json"), Path.Combine(shared, ofB + ".mp3.partial.json"));

                a = await ClusterNode.StartAsync(database, "node-a", router: null, configure: Shared);
                var recovery = a.Services.GetRequiredService<CrashRecovery>();
                Assert.Equal(1, recovery.RecordingsAdopted);
                Assert.Equal(0, recovery.RecordingsFailed);
                Assert.True(File.Exists(Path.Combine(shared, ofA + ".wav")));
                Assert.False(File.Exists(Path.Combine(shared, ofA + ".wav.partial.wav")));
                // Node B's recording in progress is untouched.
                Assert.True(File.Exists(Path.Combine(shared, ofB + ".wav.partial.wav")));
                Assert.True(File.Exists(Path.Combine(shared, ofB + ".wav.partial.json")));
                Assert.True(File.Exists(transcodingOfB));

                string Jwt() => Operations.ApplicationJwtIssuer.Create(keys.PrivateKeyPem, applicationId, DateTimeOffset.UtcNow);
                async Task<byte[]> DownloadAsync(ClusterNode node, string fileId)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/files/" + fileId);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Jwt());
                    using var response = await node.Client.SendAsync(request);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    return await response.Content.ReadAsByteArrayAsync();
                }
                var fromA = await DownloadAsync(a, ofA);
                var fromB = await DownloadAsync(b, ofA);
                Assert.Equal(fromA, fromB);
                Assert.Equal(new FileInfo(Path.Combine(shared, ofA + ".wav")).Length, fromB.Length);

                // Node B crashes and restarts: now its own partial recording is adopted, and node A serves it.
                await b.DisposeAsync();
                b = await ClusterNode.StartAsync(database, "node-b", router: null, configure: Shared);
                Assert.Equal(1, b.Services.GetRequiredService<CrashRecovery>().RecordingsAdopted);
                Assert.False(File.Exists(transcodingOfB));
                Assert.Equal(new FileInfo(Path.Combine(shared, ofB + ".wav")).Length, (await DownloadAsync(a, ofB)).Length);
                Assert.DoesNotContain(Directory.EnumerateFiles(shared, "*.partial.wav"), p => p.Contains(ofB, StringComparison.Ordinal) || p.Contains(ofA, StringComparison.Ordinal));
            }
            finally
            {
                if (a is not null) await a.DisposeAsync();
                await b.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(shared, recursive: true);
        }
    }

    [Fact]
    public async Task A_recordings_directory_that_is_not_a_path_stops_the_start_naming_the_setting()
    {
        var app = await ClusterNode.BuildAsync(await server.CreateDatabaseAsync(), "node-a", false,
            builder => builder.Configuration["Ncco:Recordings:Directory"] = "bad\0folder");
        await using (app)
        {
            var e = await Record.ExceptionAsync(async () =>
            {
                await app.UseNccoHostAsync();
                await app.StartAsync();
            });
            Assert.NotNull(e);
            Assert.Contains("Ncco:Recordings:Directory 'bad", e.Message, StringComparison.Ordinal);
            Assert.Contains("is not a valid directory path", e.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>A partial WAV (one second of tone, header written) and its claim by <paramref name="node"/>; returns the file id.</summary>
    private static string Partial(string folder, string applicationId, string node)
    {
        var id = Guid.NewGuid().ToString("D");
        var path = Path.Combine(folder, id + ".wav");
        using (var stream = new FileStream(path + ".partial.wav", FileMode.Create))
        using (var writer = new WavWriter(stream, 16000, 1, leaveOpen: true))
        {
            var second = new short[16000];
            for (var i = 0; i < second.Length; i++) second[i] = (short)(3000 * Math.Sin(2 * Math.PI * 440 * i / 16000));
            writer.Write(second);
            writer.Flush();
        }
        var claim = new RecordingClaim { ApplicationId = applicationId, ConversationUuid = "CON-" + Guid.NewGuid(), StartedAt = DateTimeOffset.UtcNow.AddSeconds(-1), Node = node };
        File.WriteAllBytes(RecordingStore.ClaimPath(path), claim.ToUtf8());
        return id;
    }
}
