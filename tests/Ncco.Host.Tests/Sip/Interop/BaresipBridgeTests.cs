using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Legs.Sip;

namespace Ncco.Host.Tests.Sip.Interop;

/// <summary>
/// Two real softphones bridged by <c>connect</c>: baresip B registers with the host's registrar as the softphone user
/// <c>bob</c> (digest) and answers by itself; baresip A calls the host's number, whose NCCO connects it to
/// <c>sip:bob@</c> the host's domain. Each phone sends its own tone and records what it decodes: A must hear B's tone
/// and B must hear A's, through the host's RTP legs and conversation mixer.
/// </summary>
public sealed class BaresipBridgeTests : IAsyncLifetime
{
    private const double ToneA = 440;
    private const double ToneB = 1000;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private SipHostHarness? _harness;
    private string _work = null!;

    private SipHostHarness _h => _harness ?? throw new InvalidOperationException("the host has not started");

    public Task InitializeAsync()
    {
        _work = Directory.CreateTempSubdirectory("ncco-baresip-bridge-").FullName;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_harness is not null) await _harness.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    /// <summary>
    /// Issue 17: with <paramref name="srtp"/> both phones insist on SRTP (<c>mediaenc=srtp-mand</c>: RTP/SAVP with SDES
    /// keys, baresip's srtp module) and the host requires it (<c>Ncco:Sip:Srtp=require</c>), so every packet of both legs
    /// is encrypted and authenticated, and each phone still hears the other. With <paramref name="opus"/> both phones
    /// speak only Opus (baresip's opus module, libopus at 48 kHz; <c>audio_codecs=opus</c>) and the host offers and
    /// accepts it (<c>Ncco:Sip:Codecs</c>): both legs run Opus on the phones' dynamic payload type, decoded to 16 kHz for
    /// the mixer and encoded back. Opus with SRTP is issue 17's end-to-end case.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Baresip_calls_a_number_whose_ncco_connects_a_registered_baresip_and_each_hears_the_others_tone(bool srtp, bool opus)
    {
        // MD5 only: baresip 1.0's SIP stack fails a request with ENOSYS when any of its challenges is an algorithm it
        // does not know, instead of answering the MD5 one (RFC 8760 asks clients to skip those).
        _harness = await SipHostHarness.StartAsync(id => ["--Ncco:Sip:Users:bob:Password=bobpw", $"--Ncco:Sip:Users:bob:Application={id}",
            "--Ncco:Sip:DigestAlgorithms:0=MD5", $"--Ncco:Sip:Srtp={(srtp ? "require" : "off")}",
            .. (string[])(opus ? ["--Ncco:Sip:Codecs:0=OPUS", "--Ncco:Sip:Codecs:1=PCMU"] : [])]);
        var mediaenc = (srtp ? ";mediaenc=srtp-mand" : "") + (opus ? ";audio_codecs=opus/48000/2" : "");
        string[] modules = [.. (string[])(srtp ? ["srtp.so"] : []), .. (string[])(opus ? ["opus.so"] : [])];
        var host = _h.Sip.Port.ToString(CultureInfo.InvariantCulture);
        var sourceA = Path.Combine(_work, "a.wav");
        var sourceB = Path.Combine(_work, "b.wav");
        Wav.Write(sourceA, MediaPlane.TestAudio.Tone(ToneA, 40, Wav.Rate, amplitude: 10000));
        Wav.Write(sourceB, MediaPlane.TestAudio.Tone(ToneB, 40, Wav.Rate, amplitude: 10000));
        // 80 RTP ports for the two phones, below the host's blocks (20000+) and the ephemeral range.
        var rtpFirst = 10000 + (Random.Shared.Next(0, 100) * 100);

        await using var b = await Baresip.StartAsync(sourceB, rtpFirst + 40,
            $"<sip:bob@127.0.0.1:{host}>;auth_pass=bobpw;answermode=auto;regint=300{mediaenc}", modules);
        // baresip registers as it starts, often before its control socket is connected: watch the registrar instead.
        var gateway = _h.Host.Services.GetRequiredService<SipGateway>();
        var registering = Stopwatch.StartNew();
        while (!gateway.IsUserRegistered("bob"))
        {
            Assert.True(registering.Elapsed < Limit, $"bob did not register with the host.\n{b.Diagnostics()}");
            await Task.Delay(50);
        }

        _h.App.Ncco("/answer", """
            [{"action":"connect","timeout":15,"endpoint":[{"type":"sip","uri":"sip:bob@127.0.0.1"}]}]
            """);
        await using var a = await Baresip.StartAsync(sourceA, rtpFirst, Baresip.DialOnlyAccount + mediaenc, modules);
        await a.CommandAsync("dial", $"sip:{SipHostHarness.Number}@127.0.0.1:{host}");
        await a.WaitForEventAsync("CALL_ESTABLISHED", Limit);
        await b.WaitForEventAsync("CALL_ESTABLISHED", Limit);

        // Both legs are answered on the host: A's inbound leg (the answer webhook's uuid) and the connect's leg to B.
        var answer = await _h.App.WaitForAsync(w => w.Path == "/answer", Limit);
        var legA = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Query)["uuid"].ToString();
        await EventAsync(e => Is(e, legA, "answered"), $"answered for A's leg {legA}");
        var legB = Field(await EventAsync(e => Str(e, "direction") == "outbound" && Str(e, "status") == "answered", "answered for the leg to B"), "uuid");
        Assert.NotEqual(legA, legB);

        // Seconds of audio both ways, then A hangs up: the bridge ends and B gets BYE.
        var bridged = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(5));
        await a.CommandAsync("hangup");
        await a.WaitForEventAsync("CALL_CLOSED", Limit);
        await b.WaitForEventAsync("CALL_CLOSED", Limit);
        await EventAsync(e => Is(e, legA, "completed"), "completed for A's leg");
        await EventAsync(e => Is(e, legB, "completed"), "completed for B's leg");

        AssertHears(a, "A", hears: ToneB, own: ToneA, bridged.Elapsed);
        AssertHears(b, "B", hears: ToneA, own: ToneB, bridged.Elapsed);
    }

    /// <summary>
    /// The phone's decoded audio, in half-second windows from one second in (the bridge is being set up before that):
    /// most windows are the other phone's tone, nearly pure, and the phone's own tone is not sent back to it.
    /// </summary>
    private static void AssertHears(Baresip phone, string name, double hears, double own, TimeSpan bridged)
    {
        var heard = Wav.ReadAsRateMono(phone.HeardWav());
        var rate = Wav.Rate;
        var windows = Windows(heard, rate / 2).ToList();
        var shares = windows.Select(w => MediaPlane.TestAudio.ToneShare(w, hears, rate)).ToList();
        var explain = $"{name} heard {heard.Length / (double)rate:F1} s over a {bridged.TotalSeconds:F1} s bridge; {hears} Hz share per half-second: "
            + string.Join(" ", shares.Select((s, i) => $"{s.ToString("F2", CultureInfo.InvariantCulture)}/{Wav.Rms(windows[i]):F0}")) + $"\n{phone.Diagnostics()}";
        var clear = windows.Where((w, i) => Wav.Rms(w) > 2000 && shares[i] > 0.8).Count();
        Assert.True(clear >= 6, $"{name} heard the other phone's tone clearly in only {clear} half-seconds. {explain}");
        Assert.True(windows.Where(w => Wav.Rms(w) > 2000).All(w => MediaPlane.TestAudio.ToneShare(w, own, rate) < 0.05), $"{name} heard its own {own} Hz tone. {explain}");
    }

    private static IEnumerable<short[]> Windows(short[] samples, int size)
    {
        for (var at = 0; at + size <= samples.Length; at += size) yield return samples[at..(at + size)];
    }

    private async Task<JsonElement> EventAsync(Func<JsonElement, bool> match, string what)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            // Read from everything received (WaitForAsync would consume the events it skips).
            foreach (var w in _h.App.All)
            {
                if (w.Path == "/events" && w.Json is { } json && match(json)) return json;
            }
            Assert.True(waited.Elapsed < Limit, $"no event {what} in {Limit.TotalSeconds} s; events: "
                + string.Join("\n", _h.App.All.Where(w => w.Path == "/events").Select(w => w.Body)));
            await Task.Delay(50);
        }
    }

    private static bool Is(JsonElement e, string uuid, string status) => Str(e, "uuid") == uuid && Str(e, "status") == status;

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Field(JsonElement e, string name) => Str(e, name) ?? throw new InvalidOperationException($"event without {name}: {e}");
}
