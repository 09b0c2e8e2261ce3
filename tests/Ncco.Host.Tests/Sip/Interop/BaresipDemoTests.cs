using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Ncco.Host.Tests.Sip.Interop;

/// <summary>
/// baresip, a real softphone from Debian, calls the demo IVR on the host (<c>sip:demo@</c>), presses keys (RFC 4733
/// telephone-events, as baresip sends them) and records what it hears. The host's side is checked in the demo
/// application's stored call record and events.
/// </summary>
public sealed class BaresipDemoTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private DemoSipHost _host = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _work = Directory.CreateTempSubdirectory("ncco-baresip-audio-").FullName;
        _host = await DemoSipHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    private string DemoUri => $"sip:demo@127.0.0.1:{_host.Sip.Port.ToString(CultureInfo.InvariantCulture)}";

    [Fact]
    public async Task Baresip_calls_the_demo_presses_3_hears_the_menu_and_goodbye_and_the_demo_hangs_up()
    {
        // Silence from the phone, so the menu's speech input has nothing to recognise and only the key counts.
        var source = Path.Combine(_work, "silence.wav");
        Wav.Write(source, new short[30 * Wav.Rate]);
        await using var phone = await Baresip.StartAsync(source, _host.RtpFirst + 50);

        await phone.CommandAsync("dial", DemoUri);
        await phone.WaitForEventAsync("CALL_ESTABLISHED", Limit);
        var call = Stopwatch.StartNew();
        var leg = await _host.WaitForCallAsync(c => c.Direction == "inbound", Limit, "inbound");
        await _host.WaitForEventAsync(leg.Uuid, "answered", Limit);

        // The welcome has barge-in, so the menu takes the key while it talks.
        await Task.Delay(1500);
        await phone.CommandAsync("sndcode", "3");
        await phone.WaitForEventAsync("CALL_CLOSED", Limit); // the demo says goodbye and sends BYE
        var heardFor = call.Elapsed;

        using (var input = JsonDocument.Parse(await _host.WaitForEventAsync(leg.Uuid, "input", Limit)))
        {
            Assert.Equal("3", input.RootElement.GetProperty("dtmf").GetProperty("digits").GetString());
        }
        using (var completed = JsonDocument.Parse(await _host.WaitForEventAsync(leg.Uuid, "completed", Limit)))
        {
            Assert.Equal("platform", completed.RootElement.GetProperty("disconnected_by").GetString());
        }

        // What the phone heard: the welcome, then "Goodbye, thanks for trying Ncco." — seconds of voiced audio, no
        // longer than the call lasted.
        var heard = Wav.Read(phone.HeardWav(), out var rate);
        Assert.Equal(Wav.Rate, rate);
        var seconds = heard.Length / (double)rate;
        Assert.True(seconds > 2.5 && seconds < heardFor.TotalSeconds + 2, $"heard {seconds:F1} s of a {heardFor.TotalSeconds:F1} s call\n{phone.Diagnostics()}");
        var voiced = Frames(heard, rate).Count(f => Wav.Rms(f) > 200);
        Assert.True(voiced >= 100, $"only {voiced} voiced 20 ms frames of {Frames(heard, rate).Count()}\n{phone.Diagnostics()}");
    }

    [Fact]
    public async Task Baresip_presses_1_reaches_the_echo_bot_hears_its_own_tone_back_and_hangs_up()
    {
        // Silence while the key is pressed (so speech input cannot pick anything up), then a 440 Hz tone to be echoed.
        var source = Path.Combine(_work, "tone.wav");
        Wav.Write(source, Wav.SilenceThenTone(seconds: 3, hz: 440, total: 40));
        await using var phone = await Baresip.StartAsync(source, _host.RtpFirst + 50);

        await phone.CommandAsync("dial", DemoUri);
        await phone.WaitForEventAsync("CALL_ESTABLISHED", Limit);
        var leg = await _host.WaitForCallAsync(c => c.Direction == "inbound", Limit, "inbound");
        await _host.WaitForEventAsync(leg.Uuid, "answered", Limit);
        await Task.Delay(1000);
        await phone.CommandAsync("sndcode", "1");

        using (var input = JsonDocument.Parse(await _host.WaitForEventAsync(leg.Uuid, "input", Limit)))
        {
            Assert.Equal("1", input.RootElement.GetProperty("dtmf").GetProperty("digits").GetString());
        }
        // The demo talks, then connects the caller to its WebSocket echo bot: a websocket leg that answers.
        var bot = await _host.WaitForCallAsync(c => c.To.Type == "websocket" && c.Status == "answered", Limit, "websocket leg answered");
        await Task.Delay(5000); // our tone going round trip (it comes back a second or two after the bot answers)
        await phone.CommandAsync("hangup");
        await phone.WaitForEventAsync("CALL_CLOSED", Limit);

        using (var completed = JsonDocument.Parse(await _host.WaitForEventAsync(leg.Uuid, "completed", Limit)))
        {
            Assert.Equal("user", completed.RootElement.GetProperty("disconnected_by").GetString());
        }
        await _host.WaitForEventAsync(bot.Uuid, "completed", Limit);

        // The phone heard the demo speak early on, and later its own 440 Hz tone, echoed by the bot through the host.
        var heard = Wav.Read(phone.HeardWav(), out var rate);
        var halfSeconds = Windows(heard, rate / 2).ToList();
        Assert.True(halfSeconds.Take(4).Any(w => Wav.Rms(w) > 200), $"no speech heard in the first two seconds\n{phone.Diagnostics()}");
        // The menu's speech scores under 0.15 at 440 Hz, a clean echo near 1.0; 0.6 allows one 20 ms cut (a jitter
        // buffer shedding latency) in a half-second. The echo lasts about four seconds, eight half-seconds.
        var echoed = halfSeconds.Count(w => Wav.Rms(w) > 300 && MediaPlane.TestAudio.ToneShare(w, 440, rate) > 0.6);
        Assert.True(echoed >= 4, $"the echoed 440 Hz tone was heard in {echoed} half-seconds of {halfSeconds.Count}; " +
            "shares: " + string.Join(" ", halfSeconds.Select(w => MediaPlane.TestAudio.ToneShare(w, 440, rate).ToString("F2", CultureInfo.InvariantCulture))) + $"\n{phone.Diagnostics()}");
    }

    private static IEnumerable<short[]> Frames(short[] samples, int rate) => Windows(samples, rate / 50);

    private static IEnumerable<short[]> Windows(short[] samples, int size)
    {
        for (var at = 0; at + size <= samples.Length; at += size) yield return samples[at..(at + size)];
    }
}
