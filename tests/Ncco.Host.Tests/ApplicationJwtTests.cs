using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task A_replayed_jti_is_refused_within_its_lifetime()
    {
        var token = Sign(new { application_id = _application.Id, iat = Now, jti = "once", exp = Now + 60 });

        Assert.True((await Validator.ValidateAsync(token, default)).IsValid);
        var replay = await Validator.ValidateAsync(token, default);

        Assert.False(replay.IsValid);
        Assert.Contains("replayed", replay.Detail);
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

    private string Sign(object claims, RSA? key = null) => SignRaw(JsonSerializer.Serialize(claims), key);

    private string SignRaw(string claimsJson, RSA? key = null)
    {
        var input = Segment(new { alg = "RS256", typ = "JWT" }) + "." + Base64Url(Encoding.UTF8.GetBytes(claimsJson));
        var signature = (key ?? _key).SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url(signature);
    }

    private static string Segment(object value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
