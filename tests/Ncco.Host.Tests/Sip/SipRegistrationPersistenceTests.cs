using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Legs.Sip;
using Ncco.Host.Persistence;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// The registrar's bindings are kept in the host's SQLite store: a restarted host on the same data directory still
/// reaches a registered softphone, until the registration expires (then the row is purged).
/// </summary>
public sealed class SipRegistrationPersistenceTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_registration_survives_a_restart_and_a_call_to_the_user_reaches_its_phone()
    {
        var phonePort = Sipp.FreeUdpPort();
        var first = await SipHostHarness.StartAsync(SipTestUser.Bob);
        try
        {
            await SipTestUser.RegisterBobAsync(first, phonePort, Limit);
            Assert.True(first.Host.Services.GetRequiredService<SipGateway>().IsUserRegistered("bob"));
        }
        finally
        {
            await first.DisposeAsync();
        }

        await using var h = await SipHostHarness.StartAsync(SipTestUser.Bob, restartOf: first);
        Assert.True(h.Host.Services.GetRequiredService<SipGateway>().IsUserRegistered("bob"), "the restarted host forgot bob's registration");
        var sipp = Sipp.RunAsync([.. Sipp.Common(phonePort), "-sf", Sipp.Scenario("Sip/Scenarios/uas-answer.xml")], Limit);
        await SipTestUser.CallBobAsync(h, sipp, Limit);
    }

    [Fact]
    public async Task A_registration_that_expired_while_the_host_was_down_is_not_restored_and_its_row_is_purged()
    {
        var first = await SipHostHarness.StartAsync(SipTestUser.Bob);
        try
        {
            await SipTestUser.RegisterBobAsync(first, Sipp.FreeUdpPort(), Limit);
        }
        finally
        {
            await first.DisposeAsync();
        }
        var stored = new SqliteSipBindingRepository(SqliteDatabase.AtPath(Path.Combine(first.Host.DataDirectory, "ncco.db")));
        Assert.Equal(1, await stored.CountAsync(CancellationToken.None));

        // The scenario registers for 300 s; the host comes back ten minutes later.
        var later = new ManualTime(first.Host.Time.GetUtcNow() + TimeSpan.FromMinutes(10));
        await using var h = await SipHostHarness.StartAsync(SipTestUser.Bob, restartOf: first, time: later);
        Assert.False(h.Host.Services.GetRequiredService<SipGateway>().IsUserRegistered("bob"));
        Assert.Equal(0, await stored.CountAsync(CancellationToken.None));
        var uuid = await h.CreateCallAsync("""
            {"to":[{"type":"sip","uri":"sip:bob@127.0.0.1"}],"from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"talk","text":"never heard"}]}
            """);
        var failed = (await h.App.WaitForStatusAsync(uuid, "failed", Limit)).Json!.Value;
        Assert.Equal("cannot_route", failed.GetProperty("detail").GetString());
    }
}
