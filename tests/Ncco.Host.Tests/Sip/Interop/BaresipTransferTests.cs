using System.Globalization;
using System.Text.Json;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip.Interop;

/// <summary>
/// Issue 17: a real softphone transfers its call. baresip calls the host's number, whose NCCO connects it to a SIPp
/// party; baresip's own <c>transfer</c> command (its REFER, RFC 3515, and its handling of our NOTIFYs) blind-transfers
/// the call to a SIPp target. The party must end up in a call with the target, and baresip's call must close.
/// </summary>
public sealed class BaresipTransferTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private SipHostHarness _h = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _work = Directory.CreateTempSubdirectory("ncco-baresip-transfer-").FullName;
        _h = await SipHostHarness.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Baresip_blind_transfers_its_call_and_the_other_party_is_connected_to_the_target()
    {
        var partyPort = Sipp.FreeUdpPort();
        var targetPort = Sipp.FreeUdpPort();
        _h.App.Ncco("/answer", $$"""
            [{"action":"connect","endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1:{{partyPort.ToString(CultureInfo.InvariantCulture)}}"}]}]
            """);
        var party = Sipp.RunAsync([.. Sipp.Common(partyPort), "-mp", Sipp.FreeMediaPort().ToString(CultureInfo.InvariantCulture),
            "-sf", Sipp.Scenario("Sip/Scenarios/uas-answer.xml")], Limit);
        var target = Sipp.RunAsync([.. Sipp.Common(targetPort), "-mp", Sipp.FreeMediaPort().ToString(CultureInfo.InvariantCulture),
            "-sf", Sipp.Scenario("Sip/Scenarios/uas-answer-then-bye.xml")], Limit);
        var source = Path.Combine(_work, "a.wav");
        Wav.Write(source, MediaPlane.TestAudio.Tone(440, 20, Wav.Rate, amplitude: 10000));

        await using var phone = await Baresip.StartAsync(source, 10000 + (Random.Shared.Next(0, 100) * 100));
        await phone.CommandAsync("dial", $"sip:{SipHostHarness.Number}@127.0.0.1:{_h.Sip.Port.ToString(CultureInfo.InvariantCulture)}");
        await phone.WaitForEventAsync("CALL_ESTABLISHED", Limit);
        var answer = await _h.App.WaitForAsync(w => w.Path == "/answer", Limit);
        var referrer = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Query)["uuid"].ToString();
        // The party is in the call (a REFER before that is refused: the leg is connected to nobody yet).
        await Sipp.Before(_h.App.WaitForAsync(w => Str(w.Json, "direction") == "outbound" && Str(w.Json, "status") == "answered", Limit), party, Limit);

        await phone.CommandAsync("transfer", $"sip:carol@127.0.0.1:{targetPort.ToString(CultureInfo.InvariantCulture)}");

        // The party moves to a conversation of its own and the target is dialled into it.
        var transfer = (await Sipp.Before(_h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("conversation_uuid_to", out _), Limit), target, Limit)).Json!.Value;
        var partyId = transfer.GetProperty("uuid").GetString()!;
        Assert.NotEqual(referrer, partyId);
        // baresip took the NOTIFYs and its call is over (the host's BYE after the final 200, or its own hang-up).
        await phone.WaitForEventAsync("CALL_CLOSED", Limit);

        // The target answered, talked, hung up: the party it was handed to is hung up too, ending the party's SIPp.
        var targetResult = await target;
        Assert.True(targetResult.ExitCode == 0, $"target SIPp exit {targetResult.ExitCode}:\n{targetResult.Output}\n{phone.Diagnostics()}");
        var partyResult = await party;
        Assert.True(partyResult.ExitCode == 0, $"party SIPp exit {partyResult.ExitCode}:\n{partyResult.Output}");

        var waited = System.Diagnostics.Stopwatch.StartNew();
        List<JsonElement> Events() => [.. _h.App.All.Select(w => w.Json).OfType<JsonElement>()];
        bool Completed(string uuid) => Events().Any(j => Str(j, "uuid") == uuid && Str(j, "status") == "completed");
        JsonElement? NewLeg() => Events().FirstOrDefault(j => Str(j, "status") == "started" && (Str(j, "to") ?? "").Contains("carol", StringComparison.Ordinal)) is { ValueKind: JsonValueKind.Object } e ? e : null;
        while (!(Completed(referrer) && Completed(partyId) && NewLeg() is { } leg && Completed(Str(leg, "uuid")!)))
        {
            Assert.True(waited.Elapsed < Limit, "not every leg completed:\n" + string.Join("\n", Events().Select(j => j.GetRawText())));
            await Task.Delay(50);
        }
        var newLeg = NewLeg()!.Value;
        Assert.Equal(transfer.GetProperty("conversation_uuid_to").GetString(), Str(newLeg, "conversation_uuid"));
        var statuses = Events().Where(j => Str(j, "uuid") == Str(newLeg, "uuid") && j.TryGetProperty("status", out _)).Select(j => Str(j, "status")).ToList();
        Assert.Equal(["started", "ringing", "answered", "completed"], statuses);
    }

    private static string? Str(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } j && j.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
