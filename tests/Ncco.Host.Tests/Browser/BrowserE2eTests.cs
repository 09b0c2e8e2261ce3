using Ncco.Host.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Host.Tests.Browser;

/// <summary>
/// The browser phone and the dashboard in real headless Chromium (Debian's <c>chromium</c>, driven by npm
/// <c>playwright-core</c> with <c>executablePath</c>; never a downloaded browser), against the host on real loopback
/// HTTP. The microphone is Chromium's fake device fed from a WAV of a 1 kHz tone. The flow is
/// <c>tests/browser/phone-flow.mjs</c>; it writes a screenshot of every page to <c>artifacts/screenshots/</c>.
/// </summary>
public sealed class BrowserE2eTests
{
    private const string Chromium = "/usr/bin/chromium";
    private static string ScriptDirectory => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../browser"));
    private static string Screenshots => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../artifacts/screenshots"));

    [Fact]
    public async Task The_browser_phone_calls_the_demo_ivr_hears_the_prompt_presses_a_key_and_the_dashboard_shows_the_timeline()
    {
        Assert.True(File.Exists(Chromium), "Run .ci/deps/browser.sh (scripts/test.sh does) to install Debian's chromium.");
        Assert.True(Directory.Exists(Path.Combine(ScriptDirectory, "node_modules", "playwright-core")), "Run .ci/deps/browser.sh to install playwright-core.");
        var port = LoopbackHost.FreePort();
        var data = Directory.CreateTempSubdirectory("ncco-browser-").FullName;
        var wav = Path.Combine(data, "microphone.wav");
        WriteTone(wav);
        await using var app = await LoopbackHost.StartAsync(port, data, "browserkey1", "browser-secret-1");

        var output = await NodeScript.RunAsync(ScriptDirectory, ["phone-flow.mjs"], new Dictionary<string, string>
        {
            ["NCCO_BASE"] = $"http://127.0.0.1:{port}",
            ["NCCO_API_KEY"] = "browserkey1",
            ["NCCO_API_SECRET"] = "browser-secret-1",
            ["NCCO_WAV"] = wav,
            ["NCCO_SCREENSHOTS"] = Screenshots,
            ["NCCO_CHROMIUM"] = Chromium,
        }, TimeSpan.FromSeconds(150));
        var steps = output.ToDictionary(s => s.TryGetProperty("step", out var n) ? n.GetString()! : "done");

        Assert.Equal("Start — Ncco dashboard", steps["dashboard sign-in"].GetProperty("title").GetString());
        Assert.Equal("Browser phone — Ncco", steps["phone signed in"].GetProperty("title").GetString());

        // The TTS prompt: at least 3 s of sound, while muted nothing of the microphone's tone came back.
        var prompt = steps["heard the prompt"];
        Assert.True(prompt.GetProperty("voicedFrames").GetInt32() >= 150, prompt.ToString());
        Assert.True(prompt.GetProperty("maxRms").GetDouble() > 2000, prompt.ToString());
        Assert.True(prompt.GetProperty("maxToneRun").GetInt32() < 25, prompt.ToString());
        Assert.Equal(0, prompt.GetProperty("framesSent").GetInt32());

        // Key 1 → the echo bot: the microphone's tone went up the WebSocket and came back for half a second or more.
        var echo = steps["pressed 1 and heard the echo"];
        Assert.True(echo.GetProperty("framesSent").GetInt32() > 50, echo.ToString());
        Assert.True(echo.GetProperty("maxToneRun").GetInt32() >= 25, echo.ToString());

        // The dashboard's timeline of that call: the answer webhook with the app user, the key, the menu's input webhook,
        // the connect to the echo bot (same conversation), and the end; plus the sequence diagram.
        var timeline = steps["dashboard timeline"];
        var entries = timeline.GetProperty("entries").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(entries, e => e.Contains("/demo/answer", StringComparison.Ordinal) && e.Contains("\"from_user\":\"alice\"", StringComparison.Ordinal)
                                      && e.Contains("\"endpoint_type\":\"app\"", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Contains("pressed 1", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Contains("/demo/input", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Contains("websocket ws://", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Contains("completed", StringComparison.Ordinal));
        Assert.StartsWith("sequenceDiagram", timeline.GetProperty("mermaid").GetString());

        // The sequence diagram drawn as SVG: titled and described image, a column and a lifeline per participant
        // (the phone's leg, the echo bot's, the VM, the webhook app), arrows for the webhooks and what was played.
        var diagram = timeline.GetProperty("diagram");
        Assert.Equal("img", diagram.GetProperty("role").GetString());
        Assert.Equal("Sequence diagram of call " + timeline.GetProperty("uuid").GetString(), diagram.GetProperty("title").GetString());
        Assert.Equal(diagram.GetProperty("title").GetString(), diagram.GetProperty("labelledBy").GetString());
        Assert.Contains("messages", diagram.GetProperty("description").GetString(), StringComparison.Ordinal);
        var participants = diagram.GetProperty("participants").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Equal(["Voice VM", "Webhook app"], participants.TakeLast(2));
        Assert.Contains(participants, p => p.Contains("alice", StringComparison.Ordinal));
        Assert.Contains(participants, p => p.StartsWith("websocket", StringComparison.Ordinal));
        Assert.Equal(participants.Count, diagram.GetProperty("lifelines").GetInt32());
        var messages = diagram.GetProperty("messages").EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.True(messages.Count > 0, "no message arrows");
        Assert.Contains(messages, m => m.Contains("answer", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(messages, m => m.Contains("pressed 1", StringComparison.Ordinal));
        Assert.True(diagram.GetProperty("replies").GetInt32() > 0, "no webhook replies");
        Assert.True(diagram.GetProperty("notes").GetInt32() > 0, "no notes");
        Assert.True(diagram.GetProperty("height").GetDouble() > 200, diagram.ToString());

        // Copy as Mermaid puts the diagram's Mermaid text on the clipboard.
        var copied = steps["copy as mermaid"];
        Assert.Equal("Copied.", copied.GetProperty("result").GetString());
        Assert.Equal(timeline.GetProperty("mermaid").GetString(), copied.GetProperty("clipboard").GetString());

        // The editor shows the validator's errors with their pointers.
        var errors = steps["editor errors"].GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(errors, e => e.StartsWith("/0/txt unknown property", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("/0 \"text\" is required", StringComparison.Ordinal));

        // "Call me with this NCCO" rang the phone, which answered and heard the talk.
        var callMe = steps["call me"];
        Assert.Equal(2, callMe.GetProperty("calls").GetArrayLength());
        Assert.True(callMe.GetProperty("heardFrames").GetInt32() >= 50, callMe.ToString());
        Assert.StartsWith("Ringing alice's phone", callMe.GetProperty("result").GetString());

        // Applications created and deleted through the page; the call-me call's recording plays in the page.
        // Issue 17: a number added, linked and removed through the dashboard's Numbers page (the Numbers API underneath).
        var numbers = steps["numbers page"];
        Assert.Equal("Added 447700900321.", numbers.GetProperty("numberAdded").GetString());
        Assert.Equal("Ncco demo", numbers.GetProperty("numberLinked").GetString());
        Assert.Contains("msisdn: 447700900321 is already one of the account's numbers", numbers.GetProperty("numberRefused").GetString(), StringComparison.Ordinal);

        var pages = steps["other pages"];
        Assert.Contains(pages.GetProperty("applications").EnumerateArray(), a => a.GetString()!.StartsWith("Browser test app", StringComparison.Ordinal));
        Assert.StartsWith("Created Browser test app", pages.GetProperty("created").GetString());
        Assert.DoesNotContain(pages.GetProperty("afterDelete").EnumerateArray(), a => a.GetString()!.StartsWith("Browser test app", StringComparison.Ordinal));
        Assert.Contains(pages.GetProperty("afterDelete").EnumerateArray(), a => a.GetString()!.StartsWith("Ncco demo", StringComparison.Ordinal));
        Assert.True(pages.GetProperty("recording").GetProperty("duration").GetDouble() > 1, pages.ToString());
        Assert.All(steps["narrow"].GetProperty("overflow").EnumerateArray(), o => Assert.Equal(0, o.GetInt32()));
        var scroll = steps["narrow"].GetProperty("diagramScroll");
        Assert.Equal("auto", scroll.GetProperty("overflowX").GetString());
        Assert.True(scroll.GetProperty("scrollWidth").GetInt32() > scroll.GetProperty("clientWidth").GetInt32(), scroll.ToString());

        // A screenshot of each page, each titled.
        var shots = steps["done"].GetProperty("screenshots").EnumerateArray().ToList();
        foreach (var name in new[] { "dashboard-login", "dashboard-start", "phone-ready", "phone-in-call", "dashboard-calls-timeline", "dashboard-sequence-diagram", "dashboard-editor-errors",
                     "phone-ringing", "dashboard-applications", "dashboard-numbers", "dashboard-recordings", "dashboard-metrics", "narrow-dashboard-calls", "narrow-phone" })
        {
            var shot = Assert.Single(shots, s => s.GetProperty("name").GetString() == name);
            Assert.True(new FileInfo(shot.GetProperty("path").GetString()!).Length > 1000, name);
            Assert.Contains(" — Ncco", shot.GetProperty("title").GetString()!, StringComparison.Ordinal);
        }
    }

    // Chromium loops the file; 1 kHz at a third of full scale is far above the phone's tone detector threshold.
    private static void WriteTone(string path)
    {
        const int rate = 48000;
        var samples = new short[rate * 3];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)(10000 * Math.Sin(2 * Math.PI * 1000 * i / rate));
        WavWriter.WriteAll(path, samples, rate);
    }
}
