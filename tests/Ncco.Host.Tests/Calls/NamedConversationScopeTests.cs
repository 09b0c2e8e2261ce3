using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Calls;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>
/// Issue 15: named conversations are scoped per application, as on Vonage (reference §1.4: "scoped per application"):
/// two applications using the same name do not meet, and editing an application (its voice settings or key) while a
/// conference runs does not split it — the next call joins the same conversation uuid. A named conversation also
/// outlives its last member for the application's <c>conversations_ttl</c> (the timing itself is stepped in
/// <c>Ncco.Vm.Tests/NamedConversationLifetimeTests</c>), so the two sequential calls into <c>persist-room</c>
/// meet in one conversation.
/// </summary>
public sealed class NamedConversationScopeTests
{
    private static readonly object[] Room = [new { action = "conversation", name = "shared-room" }];

    private static async Task<string> JoinAsync(VoiceApiHarness h, string token, string number) => (await JoinRoomAsync(h, token, number, Room)).Conversation;

    private static async Task<(string Uuid, string Conversation)> JoinRoomAsync(VoiceApiHarness h, string token, string number, object[] ncco)
    {
        var reply = await h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number } },
            from = new { type = "phone", number = "447700900000" },
            ncco,
        }, token);
        Assert.True(reply.Status == 201, reply.ToString());
        var uuid = reply.Body.GetProperty("uuid").GetString()!;
        var transfer = await h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("uuid", out var u) && u.GetString() == uuid
            && j.TryGetProperty("conversation_uuid_to", out _));
        return (uuid, transfer.Json!.Value.GetProperty("conversation_uuid_to").GetString()!);
    }

    private static async Task<string> VisitAsync(VoiceApiHarness h, string token, string number)
    {
        var (uuid, conversation) = await JoinRoomAsync(h, token, number, PersistRoom);
        Assert.Equal(204, (await h.SendAsync(HttpMethod.Put, "/v1/calls/" + uuid, new { action = "hangup" }, token)).Status);
        await h.App.WaitForStatusAsync(uuid, "completed");
        return conversation;
    }

    private static readonly object[] PersistRoom = [new { action = "conversation", name = "persist-room" }];

    private static Task<HttpResponseMessage> EditAsync(VoiceApiHarness h, int conversationsTtl, string? publicKey = null)
    {
        var body = new Dictionary<string, object>
        {
            ["name"] = "voice app, edited",
            ["capabilities"] = new
            {
                voice = new
                {
                    webhooks = new
                    {
                        answer_url = new { address = h.App.Url("answer").ToString(), http_method = "GET" },
                        event_url = new { address = h.App.Url("events").ToString(), http_method = "POST" },
                    },
                    conversations_ttl = conversationsTtl,
                },
            },
        };
        if (publicKey is not null) body["keys"] = new { public_key = publicKey };
        return h.Host.Client.PutAsJsonAsync("/v2/applications/" + h.ApplicationId, body);
    }

    [Fact]
    public async Task Sequential_calls_into_a_named_room_join_one_conversation_across_a_key_change_with_the_applications_ttl()
    {
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");
        var vms = h.Host.Services.GetRequiredService<VmDirectory>();

        // The repro: the first caller leaves before the second comes; both are in one conversation.
        var first = await VisitAsync(h, h.Token(), "447700900001");
        var second = await VisitAsync(h, h.Token(), "447700900002");
        Assert.Equal(first, second);

        // The documented default lifetime (48 h) is what the application's VM holds the empty conversation for.
        var (live, _) = await JoinRoomAsync(h, h.Token(), "447700900003", Room);
        Assert.Equal(TimeSpan.FromHours(48), vms.VmOfCall(live)!.Application.NamedConversationTtl);

        // A new key and a new conversations_ttl while persist-room is empty (the live call is in another room): same VM,
        // same conversation, the new lifetime.
        using var newKey = RSA.Create(2048);
        (await EditAsync(h, conversationsTtl: 12, newKey.ExportSubjectPublicKeyInfoPem())).EnsureSuccessStatusCode();
        var newToken = ApplicationJwt.Mint(h.ApplicationId, newKey.ExportPkcs8PrivateKeyPem(), h.Host.Time.GetUtcNow());
        Assert.Equal(first, await VisitAsync(h, newToken, "447700900004"));
        Assert.Equal(TimeSpan.FromHours(12), vms.VmOfCall(live)!.Application.NamedConversationTtl);

        // conversations_ttl 0 is "no expiry" (Vonage's Java and Node SDK docs).
        (await EditAsync(h, conversationsTtl: 0)).EnsureSuccessStatusCode();
        Assert.Equal(first, await VisitAsync(h, newToken, "447700900005"));
        Assert.Null(vms.VmOfCall(live)!.Application.NamedConversationTtl);
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
