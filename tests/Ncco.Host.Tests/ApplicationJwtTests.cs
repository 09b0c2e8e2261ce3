using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ncco.Host.Applications;
using Ncco.Host.Auth;

namespace Ncco.Host.Tests;

public sealed class ApplicationJwtTests : IAsyncLifetime
{
    private TestHostFixture _host = null!;
    private RSA _key = null!;
    private Application _application = null!;

    private ApplicationJwtValidator Validator => _host.Services.GetRequiredService<ApplicationJwtValidator>();

    private long Now => _host.Time.GetUtcNow().ToUnixTimeSeconds();

    public async Task InitializeAsync()
    {
        _host = await TestHostFixture.StartAsync();
        _key = RSA.Create(2048);
        _application = new Application(Guid.NewGuid().ToString(), "jwt app", _key.ExportSubjectPublicKeyInfoPem());
        await _host.Services.GetRequiredService<IApplicationRepository>().AddAsync(_application, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _key.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_token_like_the_sdks_make_is_accepted()
    {
        var result = await Validator.ValidateAsync(Sign(new { application_id = _application.Id, iat = Now, jti = Guid.NewGuid().ToString(), exp = Now + 900 }), default);

        Assert.True(result.IsValid, result.Detail);
        Assert.Equal(_application.Id, result.Application!.Id);
    }

    [Fact]
    public async Task Exp_defaults_to_fifteen_minutes_after_iat()
    {
        var token = Sign(new { application_id = _application.Id, iat = Now, jti = "a" });
        _host.Time.Advance(TimeSpan.FromMinutes(16));

        var result = await Validator.ValidateAsync(token, default);

        Assert.Equal("jwt-expired", result.ErrorKey);
    }

    [Fact]
    public async Task An_expired_token_is_jwt_expired()
    {
        var result = await Validator.ValidateAsync(Sign(new { application_id = _application.Id, iat = Now - 1000, jti = "b", exp = Now - 100 }), default);

        Assert.False(result.IsValid);
        Assert.Equal("jwt-expired", result.ErrorKey);
    }

    [Fact]
    public async Task A_token_is_accepted_as_often_as_it_is_sent_until_it_expires()
    {
        var token = Sign(new { application_id = _application.Id, iat = Now, jti = "reused", exp = Now + 60 });

        for (var i = 0; i < 3; i++) Assert.True((await Validator.ValidateAsync(token, default)).IsValid);
        _host.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.True((await Validator.ValidateAsync(token, default)).IsValid, "valid up to exp (and the clock skew)");
        _host.Time.Advance(ApplicationJwtValidator.ClockSkew + TimeSpan.FromSeconds(1));
        var expired = await Validator.ValidateAsync(token, default);

        Assert.False(expired.IsValid);
        Assert.Equal("jwt-expired", expired.ErrorKey);
    }

    [Fact]
    public async Task A_reused_token_is_verified_once_and_remembered_only_until_it_expires()
    {
        var cache = _host.Services.GetRequiredService<VerifiedTokenCache>();
        var token = Sign(new { application_id = _application.Id, iat = Now, jti = "cached", exp = Now + 60 });

        await Validator.ValidateAsync(token, default);
        await Validator.ValidateAsync(token, default);

        Assert.NotNull(cache.Find(token));
        Assert.Equal(1, cache.Count);
        _host.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("jwt-expired", (await Validator.ValidateAsync(token, default)).ErrorKey);
        Assert.Null(cache.Find(token));
    }

    [Fact]
    public async Task A_remembered_token_stops_working_once_the_application_has_another_key()
    {
        var token = Sign(new { application_id = _application.Id, iat = Now, jti = "rotated", exp = Now + 600 });
        Assert.True((await Validator.ValidateAsync(token, default)).IsValid);

        using var newKey = RSA.Create(2048);
        await _host.Services.GetRequiredService<IApplicationRepository>().ReplaceAsync(_application with { PublicKey = newKey.ExportSubjectPublicKeyInfoPem() }, default);
        _host.Services.GetRequiredService<ApplicationKeyCache>().Invalidate(_application.Id);
        var after = await Validator.ValidateAsync(token, default);

        Assert.False(after.IsValid);
        Assert.Contains("signature", after.Detail);
        Assert.True((await Validator.ValidateAsync(Sign(new { application_id = _application.Id, iat = Now, jti = "new", exp = Now + 600 }, newKey), default)).IsValid);
    }

    [Fact]
    public async Task A_reused_token_gets_the_same_result_until_the_application_changes()
    {
        var token = Sign(new { application_id = _application.Id, iat = Now, jti = "same", exp = Now + 600, acl = new { paths = new Dictionary<string, object> { ["/*/calls/**"] = new { } } } });
        var verified = await Validator.ValidateAsync(token, default);
        var first = await Validator.ValidateAsync(token, default);
        var second = await Validator.ValidateAsync(token, default);

        Assert.True(verified.IsValid, verified.Detail);
        Assert.True(first.IsValid, first.Detail);
        // From the first reuse on, nothing about the outcome changes, so nothing new is allocated for it.
        Assert.Same(first, second);
        Assert.NotNull(second.Token!.Acl);

        // Another application object (renamed, same key): the result names the current one.
        var renamed = _application with { Name = "renamed" };
        await _host.Services.GetRequiredService<IApplicationRepository>().ReplaceAsync(renamed, default);
        _host.Services.GetRequiredService<ApplicationKeyCache>().Invalidate(_application.Id);
        var after = await Validator.ValidateAsync(token, default);
        Assert.True(after.IsValid, after.Detail);
        Assert.NotSame(first, after);
        Assert.Equal("renamed", after.Application!.Name);
        // Expiry still applies to a remembered result.
        _host.Time.Advance(TimeSpan.FromSeconds(600) + ApplicationJwtValidator.ClockSkew + TimeSpan.FromSeconds(1));
        Assert.Equal("jwt-expired", (await Validator.ValidateAsync(token, default)).ErrorKey);
    }

    [Fact]
    public async Task A_remembered_token_stops_working_once_the_application_is_deleted()
    {
        var token = Sign(new { application_id = _application.Id, iat = Now, jti = "deleted", exp = Now + 600 });
        Assert.True((await Validator.ValidateAsync(token, default)).IsValid);

        await _host.Services.GetRequiredService<IApplicationRepository>().DeleteAsync(_application.Id, default);
        _host.Services.GetRequiredService<ApplicationKeyCache>().Invalidate(_application.Id);
        var after = await Validator.ValidateAsync(token, default);

        Assert.False(after.IsValid);
        Assert.Contains("application_id", after.Detail);
    }

    [Fact]
    public async Task The_verification_cache_holds_at_most_its_configured_size()
    {
        var options = Options.Create(new AuthOptions { TokenCacheSize = 8 });
        var cache = new VerifiedTokenCache(options);
        var validator = new ApplicationJwtValidator(_host.Services.GetRequiredService<ApplicationKeyCache>(), cache, new JtiReplayCache(_host.Time), options, _host.Time);

        for (var i = 0; i < 40; i++)
        {
            Assert.True((await validator.ValidateAsync(Sign(new { application_id = _application.Id, iat = Now, jti = "n" + i, exp = Now + 600 }), default)).IsValid);
            Assert.InRange(cache.Count, 1, 8);
        }
    }

    [Fact]
    public async Task With_the_cache_off_every_use_is_verified_and_still_accepted()
    {
        var options = Options.Create(new AuthOptions { TokenCacheSize = 0 });
        var cache = new VerifiedTokenCache(options);
        var validator = new ApplicationJwtValidator(_host.Services.GetRequiredService<ApplicationKeyCache>(), cache, new JtiReplayCache(_host.Time), options, _host.Time);
        var token = Sign(new { application_id = _application.Id, iat = Now, jti = "uncached", exp = Now + 600 });

        Assert.True((await validator.ValidateAsync(token, default)).IsValid);
        Assert.True((await validator.ValidateAsync(token, default)).IsValid);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task With_RejectReplayedTokens_a_jti_is_accepted_once_within_its_lifetime()
    {
        var options = Options.Create(new AuthOptions { RejectReplayedTokens = true });
        var validator = new ApplicationJwtValidator(_host.Services.GetRequiredService<ApplicationKeyCache>(), new VerifiedTokenCache(options), new JtiReplayCache(_host.Time), options, _host.Time);
        var token = Sign(new { application_id = _application.Id, iat = Now, jti = "once", exp = Now + 60 });

        Assert.True((await validator.ValidateAsync(token, default)).IsValid);
        var replay = await validator.ValidateAsync(token, default);
        var sameJtiNewToken = await validator.ValidateAsync(Sign(new { application_id = _application.Id, iat = Now + 1, jti = "once", exp = Now + 60 }), default);

        Assert.False(replay.IsValid);
        Assert.Equal("unauthorized", replay.ErrorKey);
        Assert.Contains("replayed jti", replay.Detail);
        Assert.Contains("Ncco:Auth:RejectReplayedTokens", replay.Detail);
        Assert.False(sameJtiNewToken.IsValid);
        Assert.True((await validator.ValidateAsync(Sign(new { application_id = _application.Id, iat = Now, jti = "twice", exp = Now + 60 }), default)).IsValid);
    }

    [Fact]
    public async Task A_replay_store_registered_before_AddNccoHost_is_the_one_used()
    {
        var store = new RecordingReplayStore();
        await using var host = await TestHostFixture.StartAsync(
            configureFirst: b => b.Services.AddSingleton<IJtiReplayStore>(store), extraArgs: ["--Ncco:Auth:RejectReplayedTokens=true"]);
        await host.Services.GetRequiredService<IApplicationRepository>().AddAsync(_application, default);
        var validator = host.Services.GetRequiredService<ApplicationJwtValidator>();
        var now = host.Time.GetUtcNow().ToUnixTimeSeconds();
        var token = Sign(new { application_id = _application.Id, iat = now, jti = "shared", exp = now + 60 });

        Assert.True((await validator.ValidateAsync(token, default)).IsValid);
        Assert.False((await validator.ValidateAsync(token, default)).IsValid);
        Assert.Equal([(_application.Id, "shared", now + 60), (_application.Id, "shared", now + 60)], store.Calls);
    }

    [Fact]
    public async Task The_sub_and_acl_claims_of_a_verified_token_are_given_to_the_caller()
    {
        var result = await Validator.ValidateAsync(SignRaw(Claims("u", "\"sub\":\"alice\",\"acl\":" + """{"paths":{"/*/calls/**":{"methods":["GET"]}}}""")), default);

        Assert.True(result.IsValid, result.Detail);
        Assert.Equal("alice", result.Token!.Subject);
        Assert.True(result.Token.Acl!.Allows("GET", "/v1/calls/abc"));
        Assert.False(result.Token.Acl.Allows("POST", "/v1/calls"));
    }

    [Theory]
    [InlineData("[]", "acl claim must be an object")]
    [InlineData("""{"path":{}}""", "paths object")]
    [InlineData("""{"paths":["/*/calls/**"]}""", "paths object")]
    [InlineData("""{"paths":{"calls/**":{}}}""", "acl.paths[\"calls/**\"]: a path must start with /")]
    [InlineData("""{"paths":{"/*/calls/**":true}}""", "acl.paths[\"/*/calls/**\"] must be an object")]
    [InlineData("""{"paths":{"/*/calls/**":{"methods":"GET"}}}""", ".methods must be an array")]
    [InlineData("""{"paths":{"/*/calls/**":{"methods":["FETCH"]}}}""", "\"FETCH\" is not one of")]
    [InlineData("""{"paths":{"/*/calls/**":{"filters":{"x":1}}}}""", ".filters: not supported")]
    public async Task A_malformed_acl_is_refused_naming_the_member(string acl, string reason)
    {
        var result = await Validator.ValidateAsync(SignRaw(Claims("acl", "\"acl\":" + acl)), default);

        Assert.False(result.IsValid);
        Assert.Equal("unauthorized", result.ErrorKey);
        Assert.Contains(reason, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alg_none_is_refused()
    {
        var token = Segment(new { alg = "none", typ = "JWT" }) + "." + Segment(new { application_id = _application.Id, iat = Now, jti = "c" }) + ".";

        var result = await Validator.ValidateAsync(token, default);

        Assert.False(result.IsValid);
        Assert.Contains("RS256", result.Detail);
    }

    [Fact]
    public async Task Hs256_signed_with_the_public_key_is_refused()
    {
        var header = Segment(new { alg = "HS256", typ = "JWT" });
        var payload = Segment(new { application_id = _application.Id, iat = Now, jti = "d" });
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_application.PublicKey), Encoding.ASCII.GetBytes(header + "." + payload));

        var result = await Validator.ValidateAsync(header + "." + payload + "." + Base64Url(mac), default);

        Assert.False(result.IsValid);
        Assert.Contains("RS256", result.Detail);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_refused()
    {
        using var other = RSA.Create(2048);

        var result = await Validator.ValidateAsync(Sign(new { application_id = _application.Id, iat = Now, jti = "e" }, other), default);

        Assert.False(result.IsValid);
        Assert.Contains("signature", result.Detail);
    }

    [Fact]
    public async Task A_tampered_payload_is_refused()
    {
        var parts = Sign(new { application_id = _application.Id, iat = Now, jti = "f" }).Split('.');
        parts[1] = Segment(new { application_id = _application.Id, iat = Now, jti = "f", sub = "admin" });

        var result = await Validator.ValidateAsync(string.Join('.', parts), default);

        Assert.False(result.IsValid);
        Assert.Contains("signature", result.Detail);
    }

    [Theory]
    [InlineData("""{"iat":0,"jti":"x"}""", "application_id")]
    [InlineData("""{"application_id":"APP","jti":"x"}""", "iat")]
    [InlineData("""{"application_id":"APP","iat":0}""", "jti")]
    [InlineData("""{"application_id":"APP","iat":0,"jti":"x","exp":"soon"}""", "exp")]
    public async Task Required_claims_are_named(string claims, string missing)
    {
        var json = claims.Replace("APP", _application.Id, StringComparison.Ordinal).Replace("\"iat\":0", "\"iat\":" + Now, StringComparison.Ordinal);

        var result = await Validator.ValidateAsync(SignRaw(json), default);

        Assert.False(result.IsValid);
        Assert.Contains(missing, result.Detail);
    }

    [Fact]
    public async Task Lifetimes_over_24_hours_nbf_in_future_and_unknown_apps_are_refused()
    {
        var tooLong = await Validator.ValidateAsync(Sign(new { application_id = _application.Id, iat = Now, jti = "g", exp = Now + 90_000 }), default);
        var notYet = await Validator.ValidateAsync(Sign(new { application_id = _application.Id, iat = Now, jti = "h", nbf = Now + 600 }), default);
        var unknown = await Validator.ValidateAsync(Sign(new { application_id = Guid.NewGuid().ToString(), iat = Now, jti = "i" }), default);
        var future = await Validator.ValidateAsync(Sign(new { application_id = _application.Id, iat = Now + 3600, jti = "j" }), default);

        Assert.Contains("24 hours", tooLong.Detail);
        Assert.Contains("nbf", notYet.Detail);
        Assert.Contains("application_id", unknown.Detail);
        Assert.Contains("future", future.Detail);
    }

    [Theory]
    [InlineData("")]
    [InlineData("one.two")]
    [InlineData("%%%.%%%.%%%")]
    [InlineData("e30.e30.e30.e30")]
    [InlineData("W10.e30.AAAA")]
    public async Task Garbage_is_refused_without_throwing(string token)
    {
        var result = await Validator.ValidateAsync(token, default);

        Assert.False(result.IsValid);
        Assert.Equal("unauthorized", result.ErrorKey);
    }

    /// <summary>A payload with this application, iat now, <paramref name="jti"/> and more members as raw JSON.</summary>
    private string Claims(string jti, string moreMembers) =>
        "{\"application_id\":\"" + _application.Id + "\",\"iat\":" + Now + ",\"jti\":\"" + jti + "\"," + moreMembers + "}";

    private string Sign(object claims, RSA? key = null) => SignRaw(JsonSerializer.Serialize(claims), key);

    private string SignRaw(string claimsJson, RSA? key = null)
    {
        var input = Segment(new { alg = "RS256", typ = "JWT" }) + "." + Base64Url(Encoding.UTF8.GetBytes(claimsJson));
        var signature = (key ?? _key).SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url(signature);
    }

    private static string Segment(object value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class RecordingReplayStore : IJtiReplayStore
    {
        private readonly HashSet<string> _seen = [];

        public List<(string, string, long)> Calls { get; } = [];

        public ValueTask<bool> TryRecordAsync(string applicationId, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken)
        {
            lock (_seen)
            {
                Calls.Add((applicationId, jti, expiresAt.ToUnixTimeSeconds()));
                return ValueTask.FromResult(_seen.Add(applicationId + "/" + jti));
            }
        }
    }
}
