using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Calls;
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
        using var folder = new SharedFolder();
        var shared = folder.FullName;
        var b = await ClusterNode.StartAsync(database, "node-b", router: null, configure: folder.Configure);
        ClusterNode? a = null;
        try
        {
            Assert.Equal(shared, b.Services.GetRequiredService<RecordingStore>().Directory);
            Assert.Equal("node-b", b.Services.GetRequiredService<RecordingStore>().NodeId);
            var keys = Applications.KeyPair.Generate();
            var applicationId = await CreateApplicationAsync(b, keys.PublicKeyPem, "http://127.0.0.1:9/events");

            // Node A crashed while recording; node B is recording right now (its partial file, claim and a transcode in progress).
            var ofA = Partial(shared, applicationId, "node-a");
            var ofB = Partial(shared, applicationId, "node-b");
            var transcodingOfB = Path.Combine(shared, ofB + ".mp3.encoding");
            await File.WriteAllBytesAsync(transcodingOfB, [1, 2, 3]);
            File.Copy(Path.Combine(shared, ofB + ".wav.partial.json"), Path.Combine(shared, ofB + ".mp3.partial.json"));

            a = await ClusterNode.StartAsync(database, "node-a", router: null, configure: folder.Configure);
            var recovery = a.Services.GetRequiredService<CrashRecovery>();
            Assert.Equal(1, recovery.RecordingsAdopted);
            Assert.Equal(0, recovery.RecordingsFailed);
            Assert.True(File.Exists(Path.Combine(shared, ofA + ".wav")));
            Assert.False(File.Exists(Path.Combine(shared, ofA + ".wav.partial.wav")));
            // Node B's recording in progress is untouched.
            Assert.True(File.Exists(Path.Combine(shared, ofB + ".wav.partial.wav")));
            Assert.True(File.Exists(Path.Combine(shared, ofB + ".wav.partial.json")));
            Assert.True(File.Exists(transcodingOfB));

            var fromA = await DownloadAsync(a, ofA, keys, applicationId);
            var fromB = await DownloadAsync(b, ofA, keys, applicationId);
            Assert.Equal(fromA, fromB);
            Assert.Equal(new FileInfo(Path.Combine(shared, ofA + ".wav")).Length, fromB.Length);

            // Node B stops and restarts: its partial recording is adopted exactly once — by node A's sweep once B is
            // dead (a stopped node is dead at once), or by B's own restart if it gets there first — and node A serves it.
            await b.DisposeAsync();
            b = await ClusterNode.StartAsync(database, "node-b", router: null, configure: folder.Configure);
            await Eventually.ReturnsAsync(() => Task.FromResult(File.Exists(Path.Combine(shared, ofB + ".wav"))), done => done, "node B's recording adopted");
            // Node A's sweep counts its adoption once the file is finalised and its row written (B's restart counted its own
            // before it served anything): the count may trail the file for a moment.
            var restartedB = b.Services.GetRequiredService<CrashRecovery>();
            await Eventually.ReturnsAsync(() => Task.FromResult(restartedB.RecordingsAdopted + recovery.RecordingsTakenOver), n => n >= 1, "node B's recording counted as adopted",
                TimeSpan.FromSeconds(15));
            Assert.False(File.Exists(transcodingOfB));
            Assert.Equal(new FileInfo(Path.Combine(shared, ofB + ".wav")).Length, (await DownloadAsync(a, ofB, keys, applicationId)).Length);
            Assert.DoesNotContain(Directory.EnumerateFiles(shared, "*.partial.wav"), p => p.Contains(ofB, StringComparison.Ordinal) || p.Contains(ofA, StringComparison.Ordinal));
            // Exactly once, now that a second adopter (had there been one) has finished too.
            Assert.Equal(1, restartedB.RecordingsAdopted + recovery.RecordingsTakenOver);
            Assert.Equal(0, restartedB.RecordingsFailed);
            Assert.Empty(Directory.EnumerateFiles(shared, "*.taking"));
        }
        finally
        {
            if (a is not null) await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_sweep_that_judged_a_node_dead_as_it_restarted_does_not_adopt_the_recording_its_restart_is_adopting()
    {
        // The race of a node's restart with a live node's sweep, in a fixed order: node B's crash recovery has taken its
        // partial recording's claim and not finished adopting it when node A's sweep, which judged node B dead just before
        // its restart registered, reaches the same file. A claim handed back to its node id before the adoption ended
        // looked untaken to that sweep, and both adopted the file (one of them then found it gone: reported failed).
        var database = await server.CreateDatabaseAsync();
        using var folder = new SharedFolder();
        var shared = folder.FullName;
        await using var a = await ClusterNode.StartAsync(database, "node-a", router: null, configure: folder.Configure);
        await using var b = await ClusterNode.StartAsync(database, "node-b", router: null, configure: folder.Configure);
        var applicationId = await CreateApplicationAsync(a, Applications.KeyPair.Generate().PublicKeyPem, "http://127.0.0.1:9/events");
        var id = Partial(shared, applicationId, "node-b", DateTimeOffset.UtcNow.AddMinutes(-1));

        // Node B's restart, as its host would run it: its own store and folder, paused once it holds the claim.
        var restart = new CrashRecovery(b.Services.GetRequiredService<ICallRepository>(), b.Services.GetRequiredService<Applications.IApplicationRepository>(),
            b.Services.GetRequiredService<RecordingStore>(), b.Services.GetRequiredService<VmDirectory>(), TimeProvider.System,
            b.Services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<CrashRecovery>>());
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var goOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        restart.ClaimTaken = async fileId =>
        {
            holding.TrySetResult();
            await goOn.Task;
        };
        var restarting = restart.StartAsync(default);
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var sweep = a.Services.GetRequiredService<CrashRecovery>();
        Assert.Equal(0, await sweep.AdoptRecordingsOfDeadNodeAsync("node-b", DateTimeOffset.UtcNow, 10, default));
        Assert.True(File.Exists(Path.Combine(shared, id + ".wav.partial.wav")));

        goOn.SetResult();
        await restarting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, restart.RecordingsAdopted);
        Assert.Equal(0, restart.RecordingsFailed);
        Assert.Equal(0, sweep.RecordingsTakenOver);
        Assert.True(File.Exists(Path.Combine(shared, id + ".wav")));
        Assert.Empty(Directory.EnumerateFiles(shared, "*.partial.*"));
        Assert.Empty(Directory.EnumerateFiles(shared, "*.taking"));
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

    [Fact]
    public async Task A_dead_nodes_partial_recordings_are_adopted_once_by_a_live_node_and_a_newer_incarnations_are_left_alone()
    {
        var database = await server.CreateDatabaseAsync();
        using var folder = new SharedFolder();
        var shared = folder.FullName;
        await using var events = await EventSink.StartAsync();
        await using var b = await ClusterNode.StartAsync(database, "node-b", router: null, configure: folder.Configure);
        await using var c = await ClusterNode.StartAsync(database, "node-c", router: null, configure: folder.Configure);
        var keys = Applications.KeyPair.Generate();
        var applicationId = await CreateApplicationAsync(b, keys.PublicKeyPem, events.Url);

        // Node A died 30 s ago while writing six recordings; a recording claimed by node-a that started after its
        // last heartbeat belongs to a newer incarnation (a restart racing the sweep) and must be left alone.
        await using (var connection = new Npgsql.NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var insert = new Npgsql.NpgsqlCommand("""
                INSERT INTO cluster_nodes (node_id, incarnation, internal_url, started_at, heartbeat_at)
                VALUES ('node-a', 1, 'http://127.0.0.1:9', now() - interval '5 minutes', now() - interval '30 seconds')
                """, connection);
            await insert.ExecuteNonQueryAsync();
        }
        var orphans = Enumerable.Range(0, 6).Select(_ => Partial(shared, applicationId, "node-a", DateTimeOffset.UtcNow.AddMinutes(-1))).ToList();
        var newer = Partial(shared, applicationId, "node-a", DateTimeOffset.UtcNow.AddSeconds(5));
        var recoveries = new[] { b, c }.Select(n => n.Services.GetRequiredService<CrashRecovery>()).ToArray();

        // Both live nodes race for them (their sweeps run every 100 ms, and here each is also asked directly, at once).
        var racing = await Task.WhenAll(recoveries.Select(r => Task.Run(() => r.AdoptRecordingsOfDeadNodeAsync("node-a", DateTimeOffset.UtcNow.AddSeconds(-30), 100, default))));
        await Eventually.ReturnsAsync(() => Task.FromResult(orphans.Count(id => File.Exists(Path.Combine(shared, id + ".wav")))), n => n == orphans.Count,
            "the dead node's recordings adopted", TimeSpan.FromSeconds(15));

        // Each exactly once: one adopter per file across both nodes, one record event per file.
        // A sweep counts its adoption after the finished file appears, so the count may trail the files for a moment.
        var takenOver = await Eventually.ReturnsAsync(() => Task.FromResult(recoveries.Sum(r => r.RecordingsTakenOver)), n => n >= orphans.Count,
            "every adoption counted", TimeSpan.FromSeconds(15));
        Assert.Equal(orphans.Count, takenOver);
        Assert.True(racing.Sum() <= orphans.Count);
        await Eventually.ReturnsAsync(() => Task.FromResult(events.Events.Count(e => e.TryGetProperty("recording_url", out _))), n => n == orphans.Count,
            "one record event per adopted recording", TimeSpan.FromSeconds(15));
        var announced = events.Events.Where(e => e.TryGetProperty("recording_url", out _)).Select(e => e.GetProperty("recording_url").GetString()!).ToList();
        Assert.Equal(orphans.Order(), announced.Select(u => u[(u.LastIndexOf('/') + 1)..]).Order());
        Assert.Empty(Directory.EnumerateFiles(shared, "*.taking"));
        foreach (var id in orphans)
        {
            Assert.False(File.Exists(Path.Combine(shared, id + ".wav.partial.wav")));
            Assert.False(File.Exists(RecordingStore.ClaimPath(Path.Combine(shared, id + ".wav"))));
        }

        // The newer incarnation's recording is untouched, claim and all.
        Assert.True(File.Exists(Path.Combine(shared, newer + ".wav.partial.wav")));
        Assert.Equal("node-a", RecordingClaim.Parse(File.ReadAllBytes(RecordingStore.ClaimPath(Path.Combine(shared, newer + ".wav"))))!.Node);

        // Downloadable from either live node, byte-identical.
        Assert.Equal(await DownloadAsync(b, orphans[0], keys, applicationId), await DownloadAsync(c, orphans[0], keys, applicationId));
        Assert.Equal(new FileInfo(Path.Combine(shared, orphans[0] + ".wav")).Length, (await DownloadAsync(c, orphans[0], keys, applicationId)).Length);
    }

    [Fact]
    public async Task A_take_over_left_half_done_by_a_crash_is_finished_by_that_nodes_restart()
    {
        var database = await server.CreateDatabaseAsync();
        using var folder = new SharedFolder();
        var shared = folder.FullName;
        var b = await ClusterNode.StartAsync(database, "node-b", router: null, configure: folder.Configure);
        string applicationId;
        try
        {
            applicationId = await CreateApplicationAsync(b, Applications.KeyPair.Generate().PublicKeyPem, "http://127.0.0.1:9/events");
        }
        finally
        {
            await b.DisposeAsync();
        }
        // Node B renamed node A's claim to take it over, then died before renaming it back.
        var id = Partial(shared, applicationId, "node-a", DateTimeOffset.UtcNow.AddMinutes(-1));
        var claim = RecordingStore.ClaimPath(Path.Combine(shared, id + ".wav"));
        File.Move(claim, claim + "." + Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes("node-b")) + ".taking");

        await using var restarted = await ClusterNode.StartAsync(database, "node-b", router: null, configure: folder.Configure);
        Assert.Equal(1, restarted.Services.GetRequiredService<CrashRecovery>().RecordingsAdopted);
        Assert.True(File.Exists(Path.Combine(shared, id + ".wav")));
        Assert.Empty(Directory.EnumerateFiles(shared, "*.taking"));
    }

    /// <summary>A temporary recordings folder the nodes of one test share, deleted with everything in it.</summary>
    private sealed class SharedFolder : IDisposable
    {
        public string FullName { get; } = Directory.CreateTempSubdirectory("ncco-shared-recordings-").FullName;

        public void Configure(WebApplicationBuilder builder) => builder.Configuration["Ncco:Recordings:Directory"] = FullName;

        public void Dispose() => Directory.Delete(FullName, recursive: true);
    }

    /// <summary>Creates an application on <paramref name="node"/> whose events go to <paramref name="eventUrl"/>; returns its id.</summary>
    private static async Task<string> CreateApplicationAsync(ClusterNode node, string publicKeyPem, string eventUrl)
    {
        using var created = await node.Client.PostAsJsonAsync("/v2/applications", new
        {
            name = "recorded",
            keys = new { public_key = publicKeyPem },
            capabilities = new { voice = new { webhooks = new { event_url = new { address = eventUrl, http_method = "POST" } } } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Downloads a recording from <paramref name="node"/> with the application's JWT, expecting 200.</summary>
    private static async Task<byte[]> DownloadAsync(ClusterNode node, string fileId, Applications.KeyPair keys, string applicationId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/files/" + fileId);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Operations.ApplicationJwtIssuer.Create(keys.PrivateKeyPem, applicationId, DateTimeOffset.UtcNow));
        using var response = await node.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>A partial WAV (one second of tone, header written) and its claim by <paramref name="node"/>; returns the file id.</summary>
    private static string Partial(string folder, string applicationId, string node, DateTimeOffset? startedAt = null)
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
        var claim = new RecordingClaim { ApplicationId = applicationId, ConversationUuid = "CON-" + Guid.NewGuid(), StartedAt = startedAt ?? DateTimeOffset.UtcNow.AddSeconds(-1), Node = node };
        File.WriteAllBytes(RecordingStore.ClaimPath(path), claim.ToUtf8());
        return id;
    }
}
