using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Ncco.Host.Tests;

public sealed class ApplicationsApiTests : IAsyncLifetime
{
    private TestHostFixture _host = null!;

    public async Task InitializeAsync() => _host = await TestHostFixture.StartAsync(extraArgs: "--Ncco:Demo:Enabled=false");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private const string VoiceApp = """
        { "name": "My IVR",
          "capabilities": { "voice": { "webhooks": {
              "answer_url": { "address": "https://example.com/answer", "http_method": "GET", "connect_timeout": 500, "socket_timeout": 3000 },
              "event_url": { "address": "https://example.com/event", "http_method": "POST" } },
            "signed_callbacks": true, "conversations_ttl": 24, "region": "eu-west" },
            "messages": { "webhooks": { "inbound_url": { "address": "https://example.com/in", "http_method": "POST" } } } } }
        """;

    [Fact]
    public async Task Create_returns_the_private_key_once_and_the_application_round_trips()
    {
        var created = await Send(HttpMethod.Post, "/v2/applications", VoiceApp);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = created.Body.GetProperty("id").GetString()!;
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", created.Body.GetProperty("keys").GetProperty("private_key").GetString());
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", created.Body.GetProperty("keys").GetProperty("public_key").GetString());
        Assert.Equal("/v2/applications/" + id, created.Body.GetProperty("_links").GetProperty("self").GetProperty("href").GetString());

        var fetched = await Send(HttpMethod.Get, "/v2/applications/" + id);

        Assert.Equal(HttpStatusCode.OK, fetched.Status);
        Assert.False(fetched.Body.GetProperty("keys").TryGetProperty("private_key", out _));
        var voice = fetched.Body.GetProperty("capabilities").GetProperty("voice");
        Assert.Equal("https://example.com/answer", voice.GetProperty("webhooks").GetProperty("answer_url").GetProperty("address").GetString());
        Assert.Equal(500, voice.GetProperty("webhooks").GetProperty("answer_url").GetProperty("connect_timeout").GetInt32());
        Assert.Equal(24, voice.GetProperty("conversations_ttl").GetInt32());
        Assert.Equal("eu-west", voice.GetProperty("region").GetString());
        Assert.Equal("https://example.com/in", fetched.Body.GetProperty("capabilities").GetProperty("messages").GetProperty("webhooks").GetProperty("inbound_url").GetProperty("address").GetString());
    }

    [Fact]
    public async Task Every_documented_voice_field_and_unknown_ones_round_trip()
    {
        var created = await Send(HttpMethod.Post, "/v2/applications", """
            { "name": "Payments IVR",
              "capabilities": { "voice": { "webhooks": {
                  "answer_url": { "address": "https://example.com/answer", "http_method": "GET" } },
                "signed_callbacks": false, "conversations_ttl": 0, "leg_persistence_time": 7, "region": "na-east",
                "payment_enabled": true, "payments": { "gateways": [ { "type": "Stripe", "mode": "test" } ] },
                "future_setting": { "x": [1, 2] } } } }
            """);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = created.Body.GetProperty("id").GetString()!;

        var voice = (await Send(HttpMethod.Get, "/v2/applications/" + id)).Body.GetProperty("capabilities").GetProperty("voice");

        Assert.False(voice.GetProperty("signed_callbacks").GetBoolean());
        Assert.Equal(0, voice.GetProperty("conversations_ttl").GetInt32());
        Assert.Equal(7, voice.GetProperty("leg_persistence_time").GetInt32());
        Assert.Equal("na-east", voice.GetProperty("region").GetString());
        Assert.True(voice.GetProperty("payment_enabled").GetBoolean());
        Assert.Equal("Stripe", voice.GetProperty("payments").GetProperty("gateways")[0].GetProperty("type").GetString());
        Assert.Equal(2, voice.GetProperty("future_setting").GetProperty("x")[1].GetInt32());

        var replaced = await Send(HttpMethod.Put, "/v2/applications/" + id, """{ "name": "Payments IVR", "capabilities": { "voice": { } } }""");
        var plain = replaced.Body.GetProperty("capabilities").GetProperty("voice");
        Assert.False(plain.GetProperty("payment_enabled").GetBoolean());
        Assert.False(plain.TryGetProperty("payments", out _));
        Assert.False(plain.TryGetProperty("leg_persistence_time", out _));
    }

    [Theory]
    [InlineData("\"payment_enabled\": \"yes\"", "capabilities.voice.payment_enabled", "true or false")]
    [InlineData("\"payments\": [1]", "capabilities.voice.payments", "must be an object")]
    [InlineData("\"payments\": { \"gateways\": {} }", "capabilities.voice.payments.gateways", "must be an array")]
    [InlineData("\"leg_persistence_time\": 32", "capabilities.voice.leg_persistence_time", "1 to 31")]
    [InlineData("\"leg_persistence_time\": \"a week\"", "capabilities.voice.leg_persistence_time", "1 to 31")]
    public async Task A_bad_voice_field_is_named_with_the_reason(string member, string name, string reason)
    {
        var response = await Send(HttpMethod.Post, "/v2/applications", "{ \"name\": \"x\", \"capabilities\": { \"voice\": { " + member + " } } }");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        var parameter = Assert.Single(response.Body.GetProperty("invalid_parameters").EnumerateArray());
        Assert.Equal(name, parameter.GetProperty("name").GetString());
        Assert.Contains(reason, parameter.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Older_connection_timeout_spelling_is_accepted_and_the_documented_one_written()
    {
        var created = await Send(HttpMethod.Post, "/v2/applications", """
            { "name": "legacy", "capabilities": { "voice": { "webhooks": { "answer_url": { "address": "https://example.com/a", "http_method": "GET", "connection_timeout": "800" } } } } }
            """);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(800, created.Body.GetProperty("capabilities").GetProperty("voice").GetProperty("webhooks").GetProperty("answer_url").GetProperty("connect_timeout").GetInt32());
    }

    [Fact]
    public async Task A_supplied_public_key_is_kept_and_no_private_key_returned()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var pem = rsa.ExportSubjectPublicKeyInfoPem();

        var created = await Send(HttpMethod.Post, "/v2/applications", JsonSerializer.Serialize(new { name = "byo key", keys = new { public_key = pem } }));

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(pem, created.Body.GetProperty("keys").GetProperty("public_key").GetString());
        Assert.False(created.Body.GetProperty("keys").TryGetProperty("private_key", out _));
    }

    [Fact]
    public async Task Every_invalid_field_is_named()
    {
        var response = await Send(HttpMethod.Post, "/v2/applications", """
            { "capabilities": { "voice": { "webhooks": {
                "answer_url": { "address": "not a url", "http_method": "PATCH", "connect_timeout": 5 },
                "event_url": { "address": "https://example.com/e", "socket_timeout": 20000 } },
              "region": "mars" } } }
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("https://developer.vonage.com/api-errors/application#payload-validation", response.Body.GetProperty("type").GetString());
        var names = response.Body.GetProperty("invalid_parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(
            [
                "name",
                "capabilities.voice.webhooks.answer_url.address",
                "capabilities.voice.webhooks.answer_url.http_method",
                "capabilities.voice.webhooks.answer_url.connect_timeout",
                "capabilities.voice.webhooks.event_url.socket_timeout",
                "capabilities.voice.region",
            ],
            names);
        Assert.Contains("GET, POST", response.Body.GetProperty("invalid_parameters")[2].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_private_key_in_public_key_is_refused()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);

        var response = await Send(HttpMethod.Post, "/v2/applications", JsonSerializer.Serialize(new { name = "oops", keys = new { public_key = rsa.ExportPkcs8PrivateKeyPem() } }));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("keys.public_key", response.Body.GetProperty("invalid_parameters")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Malformed_json_and_wrong_content_type_are_refused_clearly()
    {
        var malformed = await Send(HttpMethod.Post, "/v2/applications", "{ \"name\": ");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.EndsWith("#invalid-json", malformed.Body.GetProperty("type").GetString());

        var request = new HttpRequestMessage(HttpMethod.Post, "/v2/applications") { Content = new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded") };
        var wrongType = await _host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
    }

    [Fact]
    public async Task List_pages_with_hal_links()
    {
        for (var i = 0; i < 5; i++) await Send(HttpMethod.Post, "/v2/applications", $$"""{ "name": "app {{i}}" }""");

        var page = await Send(HttpMethod.Get, "/v2/applications?page_size=2&page=2");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(5, page.Body.GetProperty("total_items").GetInt32());
        Assert.Equal(3, page.Body.GetProperty("total_pages").GetInt32());
        Assert.Equal<string>(["app 2", "app 3"], page.Body.GetProperty("_embedded").GetProperty("applications").EnumerateArray().Select(a => a.GetProperty("name").GetString()!));
        var links = page.Body.GetProperty("_links");
        Assert.Equal("/v2/applications?page_size=2&page=2", links.GetProperty("self").GetProperty("href").GetString());
        Assert.Equal("/v2/applications?page_size=2", links.GetProperty("first").GetProperty("href").GetString());
        Assert.Equal("/v2/applications?page_size=2&page=3", links.GetProperty("last").GetProperty("href").GetString());
        Assert.Equal("/v2/applications?page_size=2&page=3", links.GetProperty("next").GetProperty("href").GetString());
        Assert.Equal("/v2/applications?page_size=2", links.GetProperty("prev").GetProperty("href").GetString());
    }

    [Theory]
    [InlineData("page_size=0", "page_size")]
    [InlineData("page_size=101", "page_size")]
    [InlineData("page=zero", "page")]
    public async Task Bad_paging_is_named(string query, string field)
    {
        var response = await Send(HttpMethod.Get, "/v2/applications?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(field, response.Body.GetProperty("invalid_parameters")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Replace_keeps_the_key_and_delete_removes()
    {
        var created = await Send(HttpMethod.Post, "/v2/applications", VoiceApp);
        var id = created.Body.GetProperty("id").GetString()!;
        var key = created.Body.GetProperty("keys").GetProperty("public_key").GetString();

        var replaced = await Send(HttpMethod.Put, "/v2/applications/" + id, """{ "name": "renamed" }""");

        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        Assert.Equal("renamed", replaced.Body.GetProperty("name").GetString());
        Assert.Equal(key, replaced.Body.GetProperty("keys").GetProperty("public_key").GetString());
        Assert.False(replaced.Body.GetProperty("capabilities").TryGetProperty("voice", out _));

        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync("/v2/applications/" + id)).StatusCode);
        var gone = await Send(HttpMethod.Get, "/v2/applications/" + id);
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.EndsWith("#not-found", gone.Body.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.DeleteAsync("/v2/applications/" + id)).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Basic YWJjZDEyMzQ6d3Jvbmc=")]
    [InlineData("Bearer abc.def.ghi")]
    public async Task Wrong_credentials_get_401_unauthorized(string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v2/applications");
        request.Headers.Authorization = authorization is null ? null : AuthenticationHeaderValue.Parse(authorization);
        _host.Client.DefaultRequestHeaders.Authorization = null;

        var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://developer.vonage.com/api-errors#unauthorized", body.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("instance").GetString()));
    }

    [Fact]
    public async Task Applications_and_generated_credentials_survive_a_restart()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("ncco-restart-").FullName;
        string id, apiKey;
        await using (var first = await TestHostFixture.StartAsync(dataDirectory, configureCredentials: false))
        {
            var account = first.Services.GetService(typeof(Ncco.Host.Auth.AccountCredentials)) as Ncco.Host.Auth.AccountCredentials;
            apiKey = account!.ApiKey;
            first.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(account.ApiKey + ":" + account.ApiSecret)));
            var created = await first.Client.PostAsync("/v2/applications", new StringContent("""{"name":"durable"}""", Encoding.UTF8, "application/json"));
            id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }

        await using var second = await TestHostFixture.StartAsync(dataDirectory, configureCredentials: false);
        var again = second.Services.GetService(typeof(Ncco.Host.Auth.AccountCredentials)) as Ncco.Host.Auth.AccountCredentials;
        Assert.Equal(apiKey, again!.ApiKey);
        var repository = (Ncco.Host.Applications.IApplicationRepository)second.Services.GetService(typeof(Ncco.Host.Applications.IApplicationRepository))!;
        Assert.Equal("durable", (await repository.FindAsync(id, CancellationToken.None))!.Name);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await _host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
