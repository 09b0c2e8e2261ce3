using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>Application JWTs on <c>/v1/calls</c>, and the outbound rate limit.</summary>
public sealed class VoiceApiAuthTests : IAsyncLifetime
{
    private VoiceApiHarness _h = null!;

    public async Task InitializeAsync() => _h = await VoiceApiHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Missing_basic_expired_and_foreign_tokens_get_401_with_the_documented_type()
    {
        using (var anonymous = new HttpRequestMessage(HttpMethod.Get, "/v1/calls"))
        {
            var response = await _h.Host.Client.SendAsync(anonymous);
            Assert.Equal(401, (int)response.StatusCode);
        }
        // The fixture's client sends Basic credentials by default: the Voice API wants a JWT.
        Assert.Equal(401, (int)(await _h.Host.Client.GetAsync("/v1/calls")).StatusCode);

        var expired = ApplicationJwt.Mint(_h.ApplicationId, _h.PrivateKey, _h.Host.Time.GetUtcNow().AddHours(-1));
        var reply = await _h.SendAsync(HttpMethod.Get, "/v1/calls", token: expired);
        Assert.Equal(401, reply.Status);
        Assert.EndsWith("#jwt-expired", reply.Body.GetProperty("type").GetString());

        using var stranger = System.Security.Cryptography.RSA.Create(2048);
        var forged = ApplicationJwt.Mint(_h.ApplicationId, stranger.ExportPkcs8PrivateKeyPem(), _h.Host.Time.GetUtcNow());
        Assert.EndsWith("#unauthorized", (await _h.SendAsync(HttpMethod.Get, "/v1/calls", token: forged)).Body.GetProperty("type").GetString());
        Assert.Equal(401, (await _h.SendAsync(HttpMethod.Get, "/v1/calls", token: "not.a.jwt")).Status);
    }

    [Fact]
    public async Task One_token_serves_a_series_of_requests_until_it_expires_as_vonage_exported_jwt_does()
    {
        var token = _h.Token();
        var created = await _h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            ncco = new object[] { new { action = "talk", text = "Hello", loop = 0 } },
        }, token: token);
        Assert.Equal(201, created.Status);
        var uuid = created.Body.GetProperty("uuid").GetString();

        Assert.Equal(200, (await _h.SendAsync(HttpMethod.Get, "/v1/calls/" + uuid, token: token)).Status);
        Assert.Equal(200, (await _h.SendAsync(HttpMethod.Get, "/v1/calls", token: token)).Status);
        Assert.Equal(204, (await _h.SendAsync(HttpMethod.Put, "/v1/calls/" + uuid, new { action = "hangup" }, token: token)).Status);

        _h.Host.Time.Advance(TimeSpan.FromMinutes(16));
        var expired = await _h.SendAsync(HttpMethod.Get, "/v1/calls", token: token);
        Assert.Equal(401, expired.Status);
        Assert.EndsWith("#jwt-expired", expired.Body.GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_acl_limits_the_token_to_its_paths_and_methods_with_403_naming_them()
    {
        var readOnly = ApplicationJwt.MintWithAcl(_h.ApplicationId, _h.PrivateKey, _h.Host.Time.GetUtcNow(), """{"paths":{"/*/calls/**":{"methods":["GET"]}}}""");
        var usersOnly = ApplicationJwt.MintWithAcl(_h.ApplicationId, _h.PrivateKey, _h.Host.Time.GetUtcNow(), """{"paths":{"/*/users/**":{}}}""", "alice");
        var badAcl = ApplicationJwt.MintWithAcl(_h.ApplicationId, _h.PrivateKey, _h.Host.Time.GetUtcNow(), """{"paths":{"/*/calls/**":{"methods":"GET"}}}""");

        Assert.Equal(200, (await _h.SendAsync(HttpMethod.Get, "/v1/calls", token: readOnly)).Status);
        var post = await _h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            ncco = new object[] { new { action = "talk", text = "Hi" } },
        }, token: readOnly);
        Assert.Equal(403, post.Status);
        Assert.EndsWith("#forbidden", post.Body.GetProperty("type").GetString());
        Assert.Contains("POST /v1/calls", post.Body.GetProperty("detail").GetString());
        Assert.Contains("/*/calls/**", post.Body.GetProperty("detail").GetString());
        Assert.Equal(0, (await _h.SendAsync(HttpMethod.Get, "/v1/calls", token: readOnly)).Body.GetProperty("count").GetInt32());

        var users = await _h.SendAsync(HttpMethod.Get, "/v1/calls", token: usersOnly);
        Assert.Equal(403, users.Status);
        Assert.Contains("GET /v1/calls", users.Body.GetProperty("detail").GetString());

        var bad = await _h.SendAsync(HttpMethod.Get, "/v1/calls", token: badAcl);
        Assert.Equal(401, bad.Status);
        Assert.Contains("acl.paths[\"/*/calls/**\"].methods must be an array", bad.Body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_fourth_call_within_a_second_gets_429_with_retry_after_and_the_next_second_is_free()
    {
        object[] ncco = [new { action = "talk", text = "Hi" }];
        for (var i = 0; i < 3; i++) await _h.CreateCallAsync(ncco);

        var limited = await _h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            ncco,
        });
        Assert.Equal(429, limited.Status);
        Assert.EndsWith("#throttled", limited.Body.GetProperty("type").GetString());
        Assert.Equal("1", limited.Headers.GetValues("Retry-After").Single());

        _h.Host.Time.Advance(TimeSpan.FromSeconds(1));
        await _h.CreateCallAsync(ncco);
    }
}
