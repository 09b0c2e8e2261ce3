using System.Net.Http.Json;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>
/// Issue 15: named conversations are scoped per application, as on Vonage (reference §1.4: "scoped per application"):
/// two applications using the same name do not meet, and editing an application (its voice settings or key) while a
/// conference runs does not split it — the next call joins the same conversation uuid.
/// </summary>
public sealed class NamedConversationScopeTests
{
    private static readonly object[] Room = [new { action = "conversation", name = "shared-room" }];

    private static async Task<string> JoinAsync(VoiceApiHarness h, string token, string number)
    {
        var reply = await h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number } },
            from = new { type = "phone", number = "447700900000" },
            ncco = Room,
        }, token);
        Assert.True(reply.Status == 201, reply.ToString());
        var uuid = reply.Body.GetProperty("uuid").GetString()!;
        var transfer = await h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("uuid", out var u) && u.GetString() == uuid
            && j.TryGetProperty("conversation_uuid_to", out _));
        return transfer.Json!.Value.GetProperty("conversation_uuid_to").GetString()!;
    }

    [Fact]
    public async Task Two_applications_with_the_same_name_do_not_meet_and_an_edit_does_not_split_a_conference()
    {
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");
        var (otherId, otherKey) = await VoiceApiHarness.CreateApplicationAsync(h.Host, h.App, name: "other app");

        var mine = await JoinAsync(h, h.Token(), "447700900001");
        var theirs = await JoinAsync(h, ApplicationJwt.Mint(otherId, otherKey, h.Host.Time.GetUtcNow()), "447700900002");
        Assert.NotEqual(mine, theirs);

        // Edit the first application while its conference is live: new settings, same VM, same conversation.
        var edit = await h.Host.Client.PutAsJsonAsync("/v2/applications/" + h.ApplicationId, new
        {
            name = "voice app, edited",
            capabilities = new
            {
                voice = new
                {
                    webhooks = new
                    {
                        answer_url = new { address = h.App.Url("answer").ToString(), http_method = "GET" },
                        event_url = new { address = h.App.Url("events").ToString(), http_method = "POST" },
                    },
                    conversations_ttl = 12,
                },
            },
        });
        edit.EnsureSuccessStatusCode();
        var afterEdit = await JoinAsync(h, h.Token(), "447700900003");
        Assert.Equal(mine, afterEdit);
    }
}
