using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Calls;
using Ncco.Host.Rest;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>
/// <c>GET /v1/calls/{uuid}</c> answers the same bytes and headers however it finds the call (a live leg from memory, a
/// finished one from the journal's memory or the store, a cached body or a fresh one), and the same with or without
/// ASP.NET Core's per-request hosting activity, which <c>ncco serve</c> turns off.
/// </summary>
public sealed class CallGetResponseTests
{
    private static readonly object[] Endless = [new { action = "talk", text = "Please hold", loop = 0 }];

    [Theory]
    [InlineData("Information")]
    [InlineData("None")]
    public async Task A_live_and_a_finished_call_answer_the_written_record_byte_for_byte_with_the_same_headers(string hostingDiagnostics)
    {
        await using var h = await VoiceApiHarness.StartAsync(extraArgs:
            ["--Ncco:Calls:RateLimitPerSecond=0", $"--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics={hostingDiagnostics}"]);
        var uuid = await h.CreateCallAsync(Endless);
        await h.App.WaitForStatusAsync(uuid, "answered");
        var journal = h.Host.Services.GetRequiredService<CallJournal>();
        var token = h.Token();

        // Live: the journal's record, written once and reused; a second read is the same bytes.
        var live = await WaitForAsync(h, uuid, token, "answered");
        var liveRecord = journal.Latest(uuid)!;
        Assert.Equal(Written(liveRecord), live.Body);
        Assert.Equal(live.Body, (await GetAsync(h, uuid, token)).Body);
        AssertHeaders(live);

        Assert.Equal(204, (await h.SendAsync(HttpMethod.Put, "/v1/calls/" + uuid, new { action = "hangup" })).Status);
        var finished = await WaitForAsync(h, uuid, token, "completed");
        AssertHeaders(finished);
        Assert.Equal(finished.Body, (await GetAsync(h, uuid, token)).Body);
        // Finished: the journal still holds the record in memory; the store's copy, read as an older call would be,
        // writes the same bytes.
        Assert.Equal(Written(journal.Latest(uuid)!), finished.Body);
        await journal.FlushAsync(CancellationToken.None);
        var stored = await h.Calls.FindAsync(uuid, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(Encoding.UTF8.GetString(Written(stored)), Encoding.UTF8.GetString(finished.Body));

        // The 32-hex dashless form of the uuid reads the same call.
        Assert.Equal(finished.Body, (await GetAsync(h, uuid.Replace("-", "", StringComparison.Ordinal), token)).Body);
    }

    private static byte[] Written(CallRecord record)
    {
        using var output = new MemoryStream();
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { Response = { Body = output } };
        context.RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider();
        CallResponseCache.Write(record).ExecuteAsync(context).GetAwaiter().GetResult();
        context.Response.BodyWriter.FlushAsync().AsTask().GetAwaiter().GetResult();
        return output.ToArray();
    }

    private static void AssertHeaders(Got got)
    {
        Assert.Equal(200, got.Status);
        // The test server adds no Date or Server header of its own: these are the host's.
        Assert.Equal(["x-nexmo-trace-id"], got.Headers.Select(h => h.Key));
        Assert.Matches(new Regex("^[0-9a-f]{32}$"), got.Headers.GetValues("x-nexmo-trace-id").Single());
        Assert.Equal(["Content-Length", "Content-Type"], got.ContentHeaders.Select(h => h.Key).Order(StringComparer.Ordinal));
        Assert.Equal("application/json", got.ContentHeaders.ContentType!.ToString());
        Assert.Equal(got.Body.Length, got.ContentHeaders.ContentLength);
    }

    private static async Task<Got> WaitForAsync(VoiceApiHarness h, string uuid, string token, string status)
    {
        for (var i = 0; i < 200; i++)
        {
            var got = await GetAsync(h, uuid, token);
            if (got.Status == 200 && Encoding.UTF8.GetString(got.Body).Contains($"\"status\":\"{status}\"", StringComparison.Ordinal)) return got;
            await Task.Delay(50);
        }
        throw new TimeoutException($"GET /v1/calls/{uuid} never answered status {status}.");
    }

    private static async Task<Got> GetAsync(VoiceApiHarness h, string uuid, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/calls/" + uuid);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await h.Host.Client.SendAsync(request);
        return new Got((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Headers, response.Content.Headers);
    }

    private sealed record Got(int Status, byte[] Body, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders);
}
