using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Ncco.Host.Tests.Auth;

/// <summary>Issue 16: failed Basic sign-ins are throttled per source (429 + Retry-After) without locking out the right secret.</summary>
public sealed class SignInThrottleTests : IAsyncLifetime
{
    private static readonly IPAddress Guesser = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Operator = IPAddress.Parse("127.0.0.3");
    private TestHostFixture _host = null!;

    public async Task InitializeAsync() => _host = await TestHostFixture.StartAsync(extraArgs: ["--Ncco:Demo:Enabled=false", "--Ncco:Auth:FailedSignInsPerMinute=5"]);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpContext> Get(IPAddress from, string secret) =>
        await _host.Server.SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = from;
            context.Request.Method = "GET";
            context.Request.Path = "/v2/applications";
            context.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(TestHostFixture.ApiKey + ":" + secret));
        });

    [Fact]
    public async Task Past_the_limit_a_source_gets_429_with_retry_after_and_its_guesses_are_not_checked()
    {
        for (var i = 0; i < 5; i++) Assert.Equal(401, (await Get(Guesser, "guess" + i)).Response.StatusCode);

        var throttled = await Get(Guesser, "guess5");
        Assert.Equal(429, throttled.Response.StatusCode);
        var retryAfter = int.Parse(throttled.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 12); // one failure back every 60/5 = 12 s
        using var body = await JsonDocument.ParseAsync(throttled.Response.Body);
        Assert.Contains("failed sign-ins", body.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // While throttled even the right secret is not compared: a guess made now tells the guesser nothing.
        Assert.Equal(429, (await Get(Guesser, TestHostFixture.ApiSecret)).Response.StatusCode);

        // Another source — the operator elsewhere — is not affected.
        Assert.Equal(200, (await Get(Operator, TestHostFixture.ApiSecret)).Response.StatusCode);

        // The throttle lifts by itself after Retry-After: the right secret works again, no lock-out to undo.
        _host.Time.Advance(TimeSpan.FromSeconds(retryAfter));
        Assert.Equal(200, (await Get(Guesser, TestHostFixture.ApiSecret)).Response.StatusCode);
    }

    [Fact]
    public async Task Only_failures_count_and_a_success_forgets_them()
    {
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 4; i++) Assert.Equal(401, (await Get(Guesser, "typo" + i)).Response.StatusCode);
            Assert.Equal(200, (await Get(Guesser, TestHostFixture.ApiSecret)).Response.StatusCode);
        }
        for (var i = 0; i < 50; i++) Assert.Equal(200, (await Get(Guesser, TestHostFixture.ApiSecret)).Response.StatusCode);
    }

    [Fact]
    public async Task A_negative_limit_is_refused_at_start_naming_the_key()
    {
        var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            TestHostFixture.StartAsync(extraArgs: ["--Ncco:Demo:Enabled=false", "--Ncco:Auth:FailedSignInsPerMinute=-1"]));
        Assert.Contains("Ncco:Auth:FailedSignInsPerMinute", e.Message, StringComparison.Ordinal);
    }
}
