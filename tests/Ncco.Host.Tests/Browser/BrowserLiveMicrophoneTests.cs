using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ncco.Host.Operations;
using Ncco.Host.Tests.MediaPlane;
using Ncco.Host.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Host.Tests.Browser;

/// <summary>
/// Issue 15 on the browser phone, with a live microphone: real headless Chromium (Debian's <c>chromium</c>, driven by
/// npm <c>playwright-core</c>), its fake microphone fed from a WAV of room noise, a breath and (in one test) a spoken
/// word, through the phone page's own capture (echo cancellation, noise suppression and gain control on, as for a
/// person), its AudioWorklet and <c>/phone/ws</c>, into the host's media plane on real loopback HTTP. The SIP leg's twin
/// is <c>Sip/SipLiveMicrophoneTests</c>; the WebSocket leg's is <c>MediaPlane/KeyToneSpeechTests</c>. The flow is
/// <c>tests/browser/live-mic.mjs</c>.
/// </summary>
public sealed class BrowserLiveMicrophoneTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private const int Rate = 48000; // what a laptop microphone delivers; the phone's worklet resamples to 16 kHz
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);
    private static string ScriptDirectory => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../browser"));

    private WebhookAppServer _app = null!;
    private Microsoft.AspNetCore.Builder.WebApplication _host = null!;
    private string _data = "";
    private int _port;
    private string _applicationId = "";
    private string _privateKey = "";

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), "Run .ci/deps/browser.sh (scripts/test.sh does) to install Debian's chromium.");
        Assert.True(Directory.Exists(Path.Combine(ScriptDirectory, "node_modules", "playwright-core")), "Run .ci/deps/browser.sh to install playwright-core.");
        _app = await WebhookAppServer.StartAsync();
        _port = LoopbackHost.FreePort();
        _data = Directory.CreateTempSubdirectory("ncco-live-mic-").FullName;
        _host = await LoopbackHost.StartAsync(_port, _data, "livemickey", "live-mic-secret-1", "--Ncco:Demo:Enabled=false", "--Ncco:Calls:RateLimitPerSecond=0");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("livemickey:live-mic-secret-1")));
        var response = await client.PostAsJsonAsync("/v2/applications", new
        {
            name = "live microphone",
            capabilities = new { voice = new { webhooks = new { answer_url = new { address = _app.Url("answer").ToString(), http_method = "GET" }, event_url = new { address = _app.Url("events").ToString(), http_method = "POST" } } } },
        });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        _applicationId = body.GetProperty("id").GetString()!;
        _privateKey = body.GetProperty("keys").GetProperty("private_key").GetString()!;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file the host still closes; the temp directory is the system's to clean.
        }
    }

    // Room noise: white noise about 40 dB below full scale (a laptop microphone in a quiet office).
    private static short[] Noise(double seconds, int seed)
    {
        var random = new Random(seed);
        var samples = new short[(int)(seconds * Rate)];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)random.Next(-600, 600);
        return samples;
    }

    // A breath into the microphone: low-passed noise swelling and fading over 0.6 s, well above the room noise.
    private static short[] Breath(int seed)
    {
        var random = new Random(seed);
        var samples = new short[(int)(0.6 * Rate)];
        double smooth = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            smooth += 0.05 * (random.Next(-8000, 8000) - smooth);
            samples[i] = (short)(smooth * Math.Sin(Math.PI * i / samples.Length));
        }
        return samples;
    }

    private string Microphone(string name, params short[][] parts)
    {
        var path = Path.Combine(_data, name + ".wav");
        WavWriter.WriteAll(path, TestAudio.Concat(parts), Rate);
        return path;
    }

    private async Task<IReadOnlyDictionary<string, JsonElement>> CallAsync(string wav, string? key = null, int pressAfterMs = 0, int callMs = 30000)
    {
        var token = ApplicationJwtIssuer.Create(_privateKey, _applicationId, DateTimeOffset.UtcNow, subject: "mic");
        var output = await NodeScript.RunAsync(ScriptDirectory, ["live-mic.mjs"], new Dictionary<string, string>
        {
            ["NCCO_BASE"] = $"http://127.0.0.1:{_port}",
            ["NCCO_TOKEN"] = token,
            ["NCCO_WAV"] = wav,
            ["NCCO_KEY"] = key ?? "",
            ["NCCO_PRESS_AFTER_MS"] = pressAfterMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NCCO_CALL_MS"] = callMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NCCO_CHROMIUM"] = Chromium,
        }, TimeSpan.FromSeconds(120));
        return output.ToDictionary(s => s.GetProperty("step").GetString()!);
    }

    [Fact]
    public async Task A_key_pressed_while_the_microphone_hears_room_noise_and_a_breath_completes_a_keys_and_speech_menu()
    {
        // The demo menu's shape: keys or speech, a minute to speak. Before issue 15 the noise looked like speech and the
        // key was ignored until maxDuration + endOnSilence: the phone looked frozen.
        _app.Ncco("/answer", $$"""
            [{"action":"input","type":["dtmf","speech"],"dtmf":{"maxDigits":1,"timeOut":10},
              "speech":{"maxDuration":60,"endOnSilence":2},"eventUrl":["{{_app.Url("input")}}"]}]
            """);
        var wav = Microphone("noise-breath", Noise(1, 1), Breath(2), Noise(1.4, 3));

        var steps = await CallAsync(wav, key: "7", pressAfterMs: 2500);

        Assert.True(steps["pressed"].GetProperty("framesSent").GetInt32() > 50, steps["pressed"].ToString()); // the microphone was live
        var input = (await _app.WaitForAsync(w => w.Path == "/input", Wait)).Json!.Value;
        Assert.True(input.GetProperty("dtmf").GetProperty("digits").GetString() == "7", input.ToString());
        Assert.True(steps["ended"].GetProperty("endedByTheApplication").GetBoolean(), steps["ended"].ToString());
    }

    [Fact]
    public async Task Room_noise_and_a_breath_before_a_word_are_not_taken_for_speech_and_the_word_ends_the_input_on_silence()
    {
        _app.Ncco("/answer", $$"""
            [{"action":"input","type":["speech"],"speech":{"context":["yes","no"],"endOnSilence":1,"startTimeout":10,"maxDuration":15},
              "eventUrl":["{{_app.Url("input")}}"]}]
            """);
        var yes = await TestSpeech.SynthesizeAsync("yes", Rate);
        var wav = Microphone("noise-breath-yes", Noise(1.5, 4), Breath(5), Noise(1, 6), yes, Noise(4, 7));

        var steps = await CallAsync(wav);

        var input = (await _app.WaitForAsync(w => w.Path == "/input", Wait)).Json!.Value;
        var speech = input.GetProperty("speech");
        Assert.True(speech.TryGetProperty("results", out var results) && results.GetArrayLength() > 0, input.ToString());
        Assert.Equal("yes", results[0].GetProperty("text").GetString());
        // Steady noise after the word is silence for endOnSilence, as for Vonage: the input ends, it does not run to maxDuration.
        Assert.Equal("end_on_silence_timeout", speech.GetProperty("timeout_reason").GetString());
        Assert.True(steps["ended"].GetProperty("endedByTheApplication").GetBoolean(), steps["ended"].ToString());
    }

    [Fact]
    public async Task Room_noise_and_breaths_alone_end_a_speech_input_with_start_timeout_and_no_results()
    {
        // The issue 15 gap: a breath after Chromium's noise suppression can pass a frame's voicing check, and pocketsphinx
        // then offers a word at a tiny confidence. The speech gate (steady pitch for ~100 ms) and the minimum confidence
        // make it nothing said, as Vonage reports it. Run 10 times in a row for the figures in the Browser README.
        _app.Ncco("/answer", $$"""
            [{"action":"input","type":["speech"],"speech":{"endOnSilence":1,"startTimeout":4,"maxDuration":15},"eventUrl":["{{_app.Url("input")}}"]}]
            """);
        var wav = Microphone("noise-breaths", Noise(1, 8), Breath(9), Noise(1.5, 10), Breath(11), Noise(1, 12), Breath(13), Noise(2, 14));

        var steps = await CallAsync(wav, callMs: 15000);

        Assert.True(steps["ended"].GetProperty("framesSent").GetInt32() > 50, steps["ended"].ToString()); // the microphone was live
        var input = (await _app.WaitForAsync(w => w.Path == "/input", Wait)).Json!.Value;
        var speech = input.GetProperty("speech");
        Assert.False(speech.TryGetProperty("results", out var results) && results.GetArrayLength() > 0, input.ToString());
        Assert.Equal("start_timeout", speech.GetProperty("timeout_reason").GetString());
    }
}
