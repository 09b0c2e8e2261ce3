using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Dashboard;
using Ncco.Host.Recordings;

namespace Ncco.Host.Tests.Browser;

/// <summary>The dashboard's API and pages: credentials, the NCCO editor's validation, "call me", loopback only.</summary>
public sealed class DashboardApiTests : IAsyncLifetime
{
    private TestHostFixture _host = null!;

    public async Task InitializeAsync() => _host = await TestHostFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Pages_are_served_and_titled_and_the_api_needs_the_api_key_and_secret()
    {
        using var anonymous = _host.Server.CreateClient();
        foreach (var (path, title) in new[] { ("/dashboard", "<title>Dashboard — Ncco</title>"), ("/phone", "<title>Browser phone — Ncco</title>") })
        {
            var page = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
            Assert.Contains(title, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal("text/javascript; charset=utf-8", (await anonymous.GetAsync("/ui/phone-worklet.js")).Content.Headers.ContentType!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/ui/nothing.js")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/api/session")).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/dashboard/api/calls");
        wrong.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(TestHostFixture.ApiKey + ":wrong")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrong)).StatusCode);

        var session = await _host.Client.GetFromJsonAsync<JsonElement>("/dashboard/api/session");
        Assert.Equal(TestHostFixture.ApiKey, session.GetProperty("api_key").GetString());
    }

    [Fact]
    public async Task The_editor_gets_every_error_with_its_json_pointer()
    {
        var invalid = await ValidateAsync("""[{"action":"talk","text":"hi","bargein":true},{"action":"input","type":["dtmf"],"eventUrl":"https://example.com/x"}]""");
        Assert.False(invalid.GetProperty("valid").GetBoolean());
        var pointers = invalid.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("pointer").GetString()).ToList();
        Assert.Contains("/0/bargein", pointers);
        Assert.Contains("/1/eventUrl", pointers);
        Assert.All(invalid.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString())));

        var notJson = await ValidateAsync("[{\"action\":");
        Assert.False(notJson.GetProperty("valid").GetBoolean());
        Assert.NotEmpty(notJson.GetProperty("errors").EnumerateArray());

        var valid = await ValidateAsync("""[{"action":"talk","text":"hi"}]""");
        Assert.True(valid.GetProperty("valid").GetBoolean());
        Assert.Empty(valid.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task Call_me_refuses_an_invalid_ncco_with_pointers_and_a_user_without_a_phone_by_name()
    {
        var invalid = await _host.Client.PostAsJsonAsync("/dashboard/api/call-me", new { user = "alice", ncco = JsonDocument.Parse("""[{"action":"talk"}]""").RootElement });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal("/0", errors[0].GetProperty("pointer").GetString());

        var offline = await _host.Client.PostAsJsonAsync("/dashboard/api/call-me", new { user = "zoe", ncco = JsonDocument.Parse("""[{"action":"talk","text":"hi"}]""").RootElement });
        Assert.Equal(HttpStatusCode.Conflict, offline.StatusCode);
        Assert.StartsWith("user: zoe has no browser phone signed in", (await offline.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        var noUser = await _host.Client.PostAsJsonAsync("/dashboard/api/call-me", new { ncco = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.BadRequest, noUser.StatusCode);
        Assert.StartsWith("user: required", (await noUser.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        var badToken = await _host.Client.PostAsJsonAsync("/dashboard/api/user-token", new { user = "" });
        Assert.Equal(HttpStatusCode.BadRequest, badToken.StatusCode);
        Assert.StartsWith("user: required", (await badToken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Recordings_are_listed_newest_first_from_their_rows_without_stray_files_and_download_with_the_credentials()
    {
        // Files become recordings when their row is stored (as the media plane does once a file is durable); a stray
        // file in the folder has no row and is neither listed nor served.
        var store = _host.Services.GetRequiredService<RecordingStore>();
        var time = _host.Time;
        async Task<string> AddAsync(string extension, int bytes, RecordingKind kind)
        {
            var (id, path) = store.Allocate(extension);
            await File.WriteAllBytesAsync(path, new byte[bytes]);
            await store.CompleteAsync(id, new RecordingOwner("app-1", "CON-1", null), kind, CancellationToken.None);
            time.Advance(TimeSpan.FromMinutes(1));
            return id;
        }
        var older = await AddAsync(".wav", 100, RecordingKind.Recording);
        var newer = await AddAsync(".mp3", 200, RecordingKind.SpeechAudio);
        await File.WriteAllBytesAsync(Path.Combine(store.Directory, Guid.NewGuid().ToString("D") + ".wav"), new byte[50]);

        var list = (await _host.Client.GetFromJsonAsync<JsonElement>("/dashboard/api/recordings")).GetProperty("recordings");
        Assert.Equal([newer, older], list.EnumerateArray().Select(r => r.GetProperty("file_id").GetString()));
        Assert.Equal("audio/mpeg", list[0].GetProperty("content_type").GetString());
        Assert.Equal(200, list[0].GetProperty("length").GetInt64());
        Assert.Equal("speech", list[0].GetProperty("kind").GetString());
        Assert.Equal("app-1", list[1].GetProperty("application_id").GetString());

        var download = await _host.Client.GetAsync($"/dashboard/api/recordings/{older}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("audio/wav", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(100, (await download.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync("/dashboard/api/recordings/../account.json")).StatusCode);
        using var anonymous = _host.Server.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/dashboard/api/recordings/{older}")).StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", false, true)]
    [InlineData("::1", false, true)]
    [InlineData("::ffff:127.0.0.1", false, true)]
    [InlineData("192.168.1.20", false, false)]
    [InlineData("10.0.0.5", true, true)]
    public void The_dashboard_answers_on_loopback_only_unless_allowed(string localAddress, bool allowRemote, bool allowed)
    {
        var access = new DashboardAccess(Options.Create(new DashboardOptions { AllowRemote = allowRemote }));
        var http = new DefaultHttpContext();
        http.Connection.LocalIpAddress = IPAddress.Parse(localAddress);
        Assert.Equal(allowed, access.Allows(http));
    }

    private async Task<JsonElement> ValidateAsync(string ncco)
    {
        var response = await _host.Client.PostAsync("/dashboard/api/ncco/validate", new StringContent(ncco, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
