using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Recordings;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Recordings;

/// <summary><c>GET /v1/files/{id}</c>: a recording belongs to the application whose call made it, and stays so.</summary>
public sealed class FilesApiTests : IAsyncLifetime
{
    private VoiceApiHarness _h = null!;

    public async Task InitializeAsync() => _h = await VoiceApiHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<string> RecordAsync()
    {
        // record runs alongside the rest of the NCCO: the conversation keeps the call up until the REST hangup ends both.
        var uuid = await _h.CreateCallAsync(new object[] { new { action = "record", format = "wav" }, new { action = "conversation", name = "held" } });
        await _h.App.WaitForStatusAsync(uuid, "answered");
        var hangup = await _h.SendAsync(HttpMethod.Put, "/v1/calls/" + uuid, new { action = "hangup" });
        Assert.True(hangup.Status == 204, hangup.ToString());
        var record = await _h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("recording_url", out _));
        return record.Json!.Value.GetProperty("recording_url").GetString()!.Split('/')[^1];
    }

    private async Task<HttpResponseMessage> DownloadAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", token);
        return await _h.Host.Client.SendAsync(request);
    }

    [Fact]
    public async Task Only_the_owning_application_downloads_a_recording_and_its_row_says_whose_it_is()
    {
        var fileId = await RecordAsync();

        using var own = await DownloadAsync("/v1/files/" + fileId, _h.Token());
        Assert.Equal(200, (int)own.StatusCode);
        Assert.Equal("audio/wav", own.Content.Headers.ContentType?.MediaType);
        var bytes = await own.Content.ReadAsByteArrayAsync();
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        using var v3 = await DownloadAsync("/v3/files/" + fileId, _h.Token());
        Assert.Equal(200, (int)v3.StatusCode);

        // Another application of the same account: the file is not its, and it cannot tell that from a missing one.
        var (otherId, otherKey) = await VoiceApiHarness.CreateApplicationAsync(_h.Host, _h.App, name: "other app");
        using var foreign = await DownloadAsync("/v1/files/" + fileId, ApplicationJwt.Mint(otherId, otherKey, _h.Host.Time.GetUtcNow()));
        using var missing = await DownloadAsync("/v1/files/" + Guid.NewGuid(), ApplicationJwt.Mint(otherId, otherKey, _h.Host.Time.GetUtcNow()));
        Assert.True(404 == (int)foreign.StatusCode, await foreign.Content.ReadAsStringAsync());
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal(await missing.Content.ReadAsStringAsync() is var m && m.Contains("No file with id", StringComparison.Ordinal),
            (await foreign.Content.ReadAsStringAsync()).Contains("No file with id", StringComparison.Ordinal));

        var row = Assert.Single(await _h.Host.Services.GetRequiredService<RecordingStore>().ListAsync(_h.ApplicationId, 10, CancellationToken.None));
        Assert.Equal(fileId, row.FileId);
        Assert.Equal(RecordingKind.Recording, row.Kind);
        Assert.Equal(bytes.Length, row.SizeBytes);
        Assert.StartsWith("CON-", row.ConversationUuid, StringComparison.Ordinal);
        Assert.Empty(await _h.Host.Services.GetRequiredService<RecordingStore>().ListAsync(otherId, 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_token_with_an_acl_downloads_a_recording_only_when_its_paths_allow_files()
    {
        // Issue 15: acl claims hold on every /v1 route a JWT opens, downloads included, not only on /v1/calls.
        var fileId = await RecordAsync();
        var now = _h.Host.Time.GetUtcNow();
        var callsOnly = ApplicationJwt.MintWithAcl(_h.ApplicationId, _h.PrivateKey, now, """{"paths":{"/*/calls/**":{}}}""");
        var filesRead = ApplicationJwt.MintWithAcl(_h.ApplicationId, _h.PrivateKey, now, """{"paths":{"/*/files/**":{"methods":["GET"]}}}""");

        using var refused = await DownloadAsync("/v1/files/" + fileId, callsOnly);
        Assert.Equal(403, (int)refused.StatusCode);
        Assert.Contains("GET /v1/files/" + fileId, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var allowed = await DownloadAsync("/v1/files/" + fileId, filesRead);
        Assert.Equal(200, (int)allowed.StatusCode);
    }

    [Fact]
    public async Task A_file_without_a_row_is_never_served_and_rows_survive_a_restart()
    {
        var fileId = await RecordAsync();
        var store = _h.Host.Services.GetRequiredService<RecordingStore>();
        // A stray file dropped into the folder (no row, so no owner) is not served to anyone.
        var stray = Guid.NewGuid().ToString("D");
        await File.WriteAllBytesAsync(Path.Combine(store.Directory, stray + ".wav"), [1, 2, 3]);
        using (var response = await DownloadAsync("/v1/files/" + stray, _h.Token())) Assert.Equal(404, (int)response.StatusCode);

        var directory = _h.Host.DataDirectory;
        await _h.Host.DisposeAsync();
        await using var restarted = await TestHostFixture.StartAsync(directory);
        var file = await restarted.Services.GetRequiredService<RecordingStore>().FindAsync(fileId, CancellationToken.None);
        Assert.NotNull(file);
        Assert.Equal(_h.ApplicationId, file.Info.ApplicationId);
        Assert.Equal("audio/wav", file.ContentType);
    }
}
