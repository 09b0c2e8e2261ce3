using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Observability;

/// <summary>
/// <c>x-nexmo-trace-id</c> and an error's <c>instance</c>, with ASP.NET Core's
/// per-request hosting activity (its diagnostics logger enabled) and without it (<c>ncco serve</c>'s default).
/// </summary>
public sealed class RequestTraceIdTests
{
    private const string CallerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string CallerParent = "00-" + CallerTrace + "-00f067aa0ba902b7-01";
    private static readonly Regex Hex32 = new("^[0-9a-f]{32}$");

    private static Task<VoiceApiHarness> StartAsync(string hostingDiagnostics) =>
        VoiceApiHarness.StartAsync(extraArgs: ["--Ncco:Calls:RateLimitPerSecond=0", $"--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics={hostingDiagnostics}"]);

    private static async Task<(int Status, string TraceId, JsonElement Body)> SendAsync(VoiceApiHarness h, string path, string? traceParent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", h.Token());
        if (traceParent is not null) request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        using var response = await h.Host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, response.Headers.GetValues("x-nexmo-trace-id").Single(), text.Length > 0 ? JsonDocument.Parse(text).RootElement : default);
    }

    [Theory]
    [InlineData("Information")]
    [InlineData("None")]
    public async Task Every_response_has_a_new_32_hex_trace_id_that_an_error_names_as_its_instance(string hostingDiagnostics)
    {
        await using var h = await StartAsync(hostingDiagnostics);
        var first = await SendAsync(h, "/v1/calls/" + Guid.NewGuid(), traceParent: null);
        var second = await SendAsync(h, "/v1/calls/" + Guid.NewGuid(), traceParent: null);

        Assert.Equal(404, first.Status);
        Assert.Matches(Hex32, first.TraceId);
        Assert.Matches(Hex32, second.TraceId);
        Assert.NotEqual(first.TraceId, second.TraceId);
        Assert.Equal(first.TraceId, first.Body.GetProperty("instance").GetString());
        // Not the all-zero id, which W3C Trace Context calls invalid.
        Assert.NotEqual(new string('0', 32), first.TraceId);
    }

    [Theory]
    [InlineData("Information")]
    [InlineData("None")]
    public async Task A_callers_traceparent_gives_its_trace_id_and_a_malformed_one_a_new_id(string hostingDiagnostics)
    {
        await using var h = await StartAsync(hostingDiagnostics);
        var joined = await SendAsync(h, "/v1/calls/" + Guid.NewGuid(), CallerParent);
        Assert.Equal(CallerTrace, joined.TraceId);
        Assert.Equal(CallerTrace, joined.Body.GetProperty("instance").GetString());

        var malformed = await SendAsync(h, "/v1/calls/" + Guid.NewGuid(), "00-not-a-trace-01");
        Assert.Matches(Hex32, malformed.TraceId);
        Assert.NotEqual(new string('0', 32), malformed.TraceId);
        Assert.Equal(malformed.TraceId, malformed.Body.GetProperty("instance").GetString());
    }
}
