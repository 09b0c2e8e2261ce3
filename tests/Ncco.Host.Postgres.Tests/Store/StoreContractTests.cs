using System.Net;
using Ncco.Host.Applications;
using Ncco.Host.Calls;
using Ncco.Host.Configuration;
using Ncco.Host.Numbers;
using Ncco.Host.Recordings;
using Ncco.Sip.Messages;
using Ncco.Sip.Registration;
using Ncco.Sip.Transport;

namespace Ncco.Host.Postgres.Tests.Store;

/// <summary>
/// The store contract, one test suite for every provider: <see cref="SqliteStoreTests"/> and
/// <see cref="PostgresStoreTests"/> run each of these against a fresh store of their provider.
/// </summary>
public abstract class StoreContractTests
{
    private static readonly KeyPair Key = KeyPair.Generate();
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    protected abstract Task<StoreUnderTest> CreateAsync();

    [Fact]
    public async Task Migrating_again_changes_nothing_and_the_store_answers()
    {
        await using var s = await CreateAsync();
        await s.Applications.AddAsync(App("app-1"), default);
        await s.Store.MigrateAsync(default);
        await s.Store.PingAsync(default);
        Assert.NotNull(await s.Applications.FindAsync("app-1", default));
    }

    [Fact]
    public async Task Applications_round_trip_and_list_in_insertion_order_with_the_total()
    {
        await using var s = await CreateAsync();
        foreach (var id in (string[])["c", "a", "b", "d"]) await s.Applications.AddAsync(App(id), default);

        var found = await s.Applications.FindAsync("a", default);
        Assert.NotNull(found);
        Assert.Equal(ApplicationJson.Serialize(App("a")), ApplicationJson.Serialize(found));
        Assert.Null(await s.Applications.FindAsync("missing", default));

        var (page, total) = await s.Applications.ListAsync(1, 2, default);
        Assert.Equal(4, total);
        Assert.Equal(["a", "b"], page.Select(a => a.Id));

        Assert.True(await s.Applications.ReplaceAsync(App("a") with { Name = "renamed" }, default));
        Assert.False(await s.Applications.ReplaceAsync(App("zzz"), default));
        Assert.Equal("renamed", (await s.Applications.FindAsync("a", default))!.Name);
        Assert.Equal(["c", "a", "b", "d"], (await s.Applications.ListAsync(0, 10, default)).Items.Select(a => a.Id));

        Assert.True(await s.Applications.DeleteAsync("a", default));
        Assert.False(await s.Applications.DeleteAsync("a", default));
        Assert.Equal(3, (await s.Applications.ListAsync(0, 10, default)).Total);
    }

    [Fact]
    public async Task Adding_an_application_id_twice_fails()
    {
        await using var s = await CreateAsync();
        await s.Applications.AddAsync(App("dup"), default);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => s.Applications.AddAsync(App("dup"), default));
        Assert.Equal(1, (await s.Applications.ListAsync(0, 10, default)).Total);
    }

    [Fact]
    public async Task A_call_is_replaced_at_each_write_and_its_events_kept_in_order()
    {
        await using var s = await CreateAsync();
        var ringing = Call("leg-1", "app", T0) with { From = CallParty.Of("phone", "447700900001") };
        await s.Calls.WriteAsync([ringing], [new("leg-1", T0, "started", """{"status":"started"}"""), new("leg-1", T0.AddSeconds(1), "ringing", null)], default);
        var answered = ringing with { Status = "answered", StartTime = T0.AddSeconds(2) };
        await s.Calls.WriteAsync([answered], [new("leg-1", T0.AddSeconds(2), "answered", """{"status":"answered"}""")], default);
        var done = answered with { Status = "completed", EndTime = T0.AddSeconds(9) };
        await s.Calls.WriteAsync([done], [], default);

        Assert.Equal(done, await s.Calls.FindAsync("leg-1", default));
        Assert.Null(await s.Calls.FindAsync("leg-2", default));
        var events = await s.Calls.EventsAsync("leg-1", default);
        Assert.Equal(["started", "ringing", "answered"], events.Select(e => e.Kind));
        Assert.Null(events[1].Payload);
        Assert.Equal("""{"status":"answered"}""", events[2].Payload);
        Assert.Equal(T0.AddSeconds(1), events[1].At);
        Assert.Empty(await s.Calls.EventsAsync("leg-2", default));
    }

    [Fact]
    public async Task Writing_nothing_is_a_no_op()
    {
        await using var s = await CreateAsync();
        await s.Calls.WriteAsync([], [], default);
        Assert.Null(await s.Calls.LastActivityAsync(default));
        Assert.Empty(await s.Calls.ListUnfinishedAsync(default));
    }

    [Fact]
    public async Task Calls_list_by_application_with_every_filter_paging_and_order()
    {
        await using var s = await CreateAsync();
        var calls = new[]
        {
            Call("l1", "app", T0) with { Status = "completed", EndTime = T0.AddMinutes(1), ConversationUuid = "conv-a" },
            Call("l2", "app", T0.AddMinutes(10)) with { Status = "answered", ConversationUuid = "conv-a" },
            Call("l3", "app", T0.AddMinutes(20)) with { Status = "completed", EndTime = T0.AddMinutes(21) },
            Call("l4", "other", T0.AddMinutes(30)),
        };
        await s.Calls.WriteAsync(calls, [], default);

        var (all, total) = await s.Calls.ListAsync("app", new CallQuery(), default);
        Assert.Equal(3, total);
        Assert.Equal(["l1", "l2", "l3"], all.Select(c => c.Uuid));
        Assert.Equal(["l3", "l2", "l1"], (await s.Calls.ListAsync("app", new CallQuery { Descending = true }, default)).Items.Select(c => c.Uuid));
        var (page, pageTotal) = await s.Calls.ListAsync("app", new CallQuery { PageSize = 1, RecordIndex = 1 }, default);
        Assert.Equal(3, pageTotal);
        Assert.Equal(["l2"], page.Select(c => c.Uuid));
        Assert.Equal(["l1", "l3"], (await s.Calls.ListAsync("app", new CallQuery { Status = "completed" }, default)).Items.Select(c => c.Uuid));
        Assert.Equal(["l2", "l3"], (await s.Calls.ListAsync("app", new CallQuery { DateStart = T0.AddMinutes(10) }, default)).Items.Select(c => c.Uuid));
        Assert.Equal(["l1", "l2"], (await s.Calls.ListAsync("app", new CallQuery { DateEnd = T0.AddMinutes(10) }, default)).Items.Select(c => c.Uuid));
        Assert.Equal(["l1", "l2"], (await s.Calls.ListAsync("app", new CallQuery { ConversationUuid = "conv-a" }, default)).Items.Select(c => c.Uuid));
        // Ended before the kept horizon: left out; still live: always listed.
        Assert.Equal(["l2", "l3"], (await s.Calls.ListAsync("app", new CallQuery { EndedNotBefore = T0.AddMinutes(5) }, default)).Items.Select(c => c.Uuid));
        var (none, zero) = await s.Calls.ListAsync("nobody", new CallQuery(), default);
        Assert.Empty(none);
        Assert.Equal(0, zero);
    }

    [Fact]
    public async Task Unfinished_calls_and_the_last_activity_are_what_a_restart_recovers_from()
    {
        await using var s = await CreateAsync();
        Assert.Null(await s.Calls.LastActivityAsync(default));
        await s.Calls.WriteAsync(
            [Call("live", "app", T0) with { StartTime = T0.AddSeconds(3) }, Call("over", "app", T0.AddSeconds(1)) with { Status = "completed", EndTime = T0.AddSeconds(2) }],
            [new("live", T0.AddSeconds(7), "answered", null)], default);

        Assert.Equal(["live"], (await s.Calls.ListUnfinishedAsync(default)).Select(c => c.Uuid));
        Assert.Equal(T0.AddSeconds(7), await s.Calls.LastActivityAsync(default));
        await s.Calls.WriteAsync([Call("later", "app", T0.AddSeconds(30)) with { Status = "completed", EndTime = T0.AddSeconds(31) }], [], default);
        Assert.Equal(T0.AddSeconds(30), await s.Calls.LastActivityAsync(default));
    }

    [Fact]
    public async Task Recording_rows_round_trip_newest_first_per_application()
    {
        await using var s = await CreateAsync();
        var first = new RecordingInfo("f1", "app", "conv", "leg", RecordingKind.Recording, "audio/wav", 1000, T0);
        var second = new RecordingInfo("f2", "app", "conv", null, RecordingKind.Transcription, "application/json", 20, T0.AddSeconds(5));
        var third = new RecordingInfo("f3", "other", "conv2", "leg2", RecordingKind.SpeechAudio, "audio/wav", 30, T0.AddSeconds(9));
        foreach (var r in (RecordingInfo[])[first, second, third]) await s.Recordings.AddAsync(r, default);

        Assert.Equal(second, await s.Recordings.FindAsync("f2", default));
        Assert.Equal(third, await s.Recordings.FindAsync("f3", default));
        Assert.Null(await s.Recordings.FindAsync("nope", default));
        Assert.Equal(["f2", "f1"], (await s.Recordings.ListAsync("app", 10, default)).Select(r => r.FileId));
        Assert.Equal(["f3", "f2"], (await s.Recordings.ListAsync(null, 2, default)).Select(r => r.FileId));

        // Written again (a recording adopted after a crash): the row is replaced, not doubled.
        await s.Recordings.AddAsync(first with { SizeBytes = 2000 }, default);
        Assert.Equal(2000, (await s.Recordings.FindAsync("f1", default))!.SizeBytes);
        Assert.Equal(3, (await s.Recordings.ListAsync(null, 10, default)).Count);
    }

    [Fact]
    public async Task Sip_bindings_are_replaced_per_user_and_expired_ones_purged()
    {
        await using var s = await CreateAsync();
        var bob1 = Binding("sip:bob@127.0.0.1:5070", T0.AddMinutes(10), SipTransportKind.Udp, 5070);
        var bob2 = Binding("sip:bob@127.0.0.2:5080;transport=tcp", T0.AddMinutes(5), SipTransportKind.Tcp, 40000);
        var alice = Binding("sip:alice@127.0.0.3:5060", T0.AddMinutes(1), SipTransportKind.Udp, 5060);
        await s.Bindings.SaveAsync("bob", [bob1, bob2], T0, default);
        await s.Bindings.SaveAsync("alice", [alice], T0, default);

        var loaded = await s.Bindings.LoadAsync(T0, default);
        Assert.Equal([("alice", alice.Contact.ToString()), ("bob", bob2.Contact.ToString()), ("bob", bob1.Contact.ToString())],
            loaded.Select(b => (b.User, b.Binding.Contact.ToString())));
        var back = loaded.Single(b => b.Binding.CallId == bob2.CallId).Binding;
        Assert.Equal(bob2.ExpiresAt, back.ExpiresAt);
        Assert.Equal(bob2.CSeq, back.CSeq);
        Assert.Equal(bob2.Source, back.Source);

        await s.Bindings.SaveAsync("bob", [bob1], T0, default);
        Assert.Equal([bob1.Contact.ToString()], (await s.Bindings.LoadAsync(T0, default)).Where(b => b.User == "bob").Select(b => b.Binding.Contact.ToString()));
        await s.Bindings.SaveAsync("bob", [], T0, default);
        Assert.DoesNotContain(await s.Bindings.LoadAsync(T0, default), b => b.User == "bob");

        // Two minutes on, alice's one-minute registration has lapsed: gone from the load and from the store.
        Assert.Empty(await s.Bindings.LoadAsync(T0.AddMinutes(2), default));
        Assert.Empty(await s.Bindings.LoadAsync(T0, default));
    }

    [Fact]
    public async Task A_bindings_path_is_kept_in_order_and_a_user_is_found_by_name()
    {
        await using var s = await CreateAsync();
        var path = new[] { "<sip:front.example;lr;received=sip:10.0.0.7:5060>", "\"edge, west\" <sip:127.0.0.1:25160;lr>" }
            .Select(p => NameAddress.Parse(p, HeaderNames.Path)).ToArray();
        var carol = Binding("sip:carol@10.0.0.7:5062", T0.AddMinutes(10), SipTransportKind.Udp, 5062) with { Path = path };
        var dave = Binding("sip:dave@10.0.0.8:5062", T0.AddMinutes(10), SipTransportKind.Udp, 5062);
        await s.Bindings.SaveAsync("carol", [carol], T0, default);
        await s.Bindings.SaveAsync("dave", [dave], T0, default);

        var back = Assert.Single(await s.Bindings.FindAsync("carol", T0, default));
        Assert.Equal(path.Select(p => p.ToString()), back.Path.Select(p => p.ToString()));
        Assert.Equal(carol.Contact.ToString(), back.Contact.ToString());
        Assert.Empty(Assert.Single(await s.Bindings.FindAsync("dave", T0, default)).Path);
        Assert.Equal(path.Select(p => p.ToString()), (await s.Bindings.LoadAsync(T0, default)).Single(b => b.User == "carol").Binding.Path.Select(p => p.ToString()));
        Assert.Empty(await s.Bindings.FindAsync("erin", T0, default));
        Assert.Empty(await s.Bindings.FindAsync("carol", T0.AddMinutes(11), default));
    }

    [Fact]
    public async Task Account_credentials_are_generated_once_and_shared_and_settings_override_without_being_stored()
    {
        await using var s = await CreateAsync();
        var first = await s.Account.LoadAsync(new AccountOptions(), default);
        Assert.Matches("^[0-9a-f]{8}$", first.ApiKey);
        Assert.Matches("^[0-9a-f]{16}$", first.ApiSecret);
        Assert.Matches("^[0-9a-f]{64}$", first.SignatureSecret);

        Assert.Equal(first, await s.AnotherProcessAccount().LoadAsync(new AccountOptions(), default));
        var overridden = await s.Account.LoadAsync(new AccountOptions { ApiKey = "cafe0001", SignatureSecret = "sig" }, default);
        Assert.Equal(new Auth.AccountCredentials("cafe0001", first.ApiSecret, "sig"), overridden);
        Assert.Equal(first, await s.AnotherProcessAccount().LoadAsync(new AccountOptions(), default));
    }

    [Fact]
    public async Task Numbers_are_added_once_found_by_their_e164_digits_and_listed_in_number_order_with_the_total()
    {
        await using var s = await CreateAsync();
        var gb = new AccountNumber("447700900002", "GB", null, T0);
        foreach (var n in (AccountNumber[])[gb, new("14155550100", "US", "app-1", T0.AddSeconds(1)), new("447700900001", "GB", null, T0.AddSeconds(2))])
            Assert.True(await s.Numbers.AddAsync(n, default));

        Assert.Equal(gb, await s.Numbers.FindAsync("447700900002", default));
        Assert.Null(await s.Numbers.FindAsync("447700900009", default));
        // Lookups are by E.164 digits exactly as stored: the caller normalises ("+44…" is not the key).
        Assert.Null(await s.Numbers.FindAsync("+447700900002", default));
        Assert.Null(await s.Numbers.FindAsync("", default));

        var (all, total) = await s.Numbers.ListAsync(Query(), default);
        Assert.Equal(3, total);
        Assert.Equal(["14155550100", "447700900001", "447700900002"], all.Select(n => n.Msisdn));
        var (page, pageTotal) = await s.Numbers.ListAsync(Query() with { Offset = 1, Limit = 1 }, default);
        Assert.Equal(3, pageTotal);
        Assert.Equal(["447700900001"], page.Select(n => n.Msisdn));
        var (past, pastTotal) = await s.Numbers.ListAsync(Query() with { Offset = 10 }, default);
        Assert.Empty(past);
        Assert.Equal(3, pastTotal);
    }

    [Fact]
    public async Task Adding_a_number_twice_answers_false_and_keeps_the_first_one()
    {
        await using var s = await CreateAsync();
        var first = new AccountNumber("447700900001", "GB", "app-1", T0);
        Assert.True(await s.Numbers.AddAsync(first, default));
        Assert.False(await s.Numbers.AddAsync(new AccountNumber("447700900001", "US", null, T0.AddHours(1)), default));

        Assert.Equal(first, await s.Numbers.FindAsync("447700900001", default));
        Assert.Equal(1, (await s.Numbers.ListAsync(Query(), default)).Total);
        await Assert.ThrowsAsync<ArgumentNullException>(() => s.Numbers.AddAsync(null!, default));
        await Assert.ThrowsAsync<ArgumentNullException>(() => s.Numbers.ListAsync(null!, default));
    }

    [Fact]
    public async Task Numbers_list_with_every_filter()
    {
        await using var s = await CreateAsync();
        foreach (var n in (AccountNumber[])[
            new("447700900001", "GB", "app-1", T0), new("447700900123", "GB", null, T0), new("14155550123", "US", "app-1", T0), new("14155559001", "US", "app-2", T0)])
            await s.Numbers.AddAsync(n, default);

        async Task<IEnumerable<string>> Msisdns(NumberQuery query)
        {
            var (items, total) = await s.Numbers.ListAsync(query, default);
            Assert.Equal(items.Count, total);
            return items.Select(n => n.Msisdn);
        }

        Assert.Equal(["447700900001", "447700900123"], await Msisdns(Query() with { Country = "GB" }));
        Assert.Equal(["14155550123", "447700900001"], await Msisdns(Query() with { ApplicationId = "app-1" }));
        Assert.Equal(["14155550123", "14155559001", "447700900001"], await Msisdns(Query() with { HasApplication = true }));
        Assert.Equal(["447700900123"], await Msisdns(Query() with { HasApplication = false }));
        Assert.Equal(["14155550123", "14155559001"], await Msisdns(Query() with { Pattern = "1415", SearchPattern = 0 }));
        Assert.Equal(["14155550123", "447700900123"], await Msisdns(Query() with { Pattern = "0123", SearchPattern = 2 }));
        Assert.Equal(["14155559001", "447700900001", "447700900123"], await Msisdns(Query() with { Pattern = "900", SearchPattern = 1 }));
        Assert.Equal(["14155550123"], await Msisdns(Query() with { Country = "US", ApplicationId = "app-1", Pattern = "123", SearchPattern = 1 }));
        Assert.Empty(await Msisdns(Query() with { Country = "FR" }));
    }

    [Fact]
    public async Task A_number_is_linked_to_an_application_unlinked_and_cancelled()
    {
        await using var s = await CreateAsync();
        await s.Numbers.AddAsync(new AccountNumber("447700900001", "GB", null, T0), default);

        Assert.True(await s.Numbers.LinkAsync("447700900001", "app-1", default));
        Assert.Equal("app-1", (await s.Numbers.FindAsync("447700900001", default))!.ApplicationId);
        Assert.True(await s.Numbers.LinkAsync("447700900001", "app-2", default));
        Assert.Equal("app-2", (await s.Numbers.FindAsync("447700900001", default))!.ApplicationId);
        Assert.True(await s.Numbers.LinkAsync("447700900001", null, default));
        Assert.Null((await s.Numbers.FindAsync("447700900001", default))!.ApplicationId);
        Assert.False(await s.Numbers.LinkAsync("447700900009", "app-1", default));
        Assert.Null(await s.Numbers.FindAsync("447700900009", default));

        Assert.True(await s.Numbers.RemoveAsync("447700900001", default));
        Assert.False(await s.Numbers.RemoveAsync("447700900001", default));
        Assert.Null(await s.Numbers.FindAsync("447700900001", default));
        Assert.Equal(0, (await s.Numbers.ListAsync(Query(), default)).Total);
        // Cancelled numbers can be added again, as new.
        Assert.True(await s.Numbers.AddAsync(new AccountNumber("447700900001", "GB", null, T0.AddDays(1)), default));
        Assert.Equal(T0.AddDays(1), (await s.Numbers.FindAsync("447700900001", default))!.CreatedAt);
    }

    protected static Application App(string id) =>
        new(id, "app " + id, Key.PublicKeyPem) { Voice = new VoiceCapability { AnswerUrl = new Webhook(new Uri("http://127.0.0.1:9/answer"), "GET") } };

    protected static CallRecord Call(string uuid, string application, DateTimeOffset created) =>
        new(uuid, application, "conv-" + uuid, "outbound", "started", CallParty.Of("phone", "447700900000"), created);

    private static NumberQuery Query() => new(null, null, null, null, 1, 0, 100);

    private static SipBinding Binding(string contact, DateTimeOffset expires, SipTransportKind transport, int port) =>
        new(SipUri.Parse(contact), expires, "call-" + contact, 7, new SipEndPoint(transport, new IPEndPoint(IPAddress.Parse("127.0.0.9"), port)));
}
