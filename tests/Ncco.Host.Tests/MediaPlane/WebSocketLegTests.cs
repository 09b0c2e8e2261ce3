using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Ncco.Host.Legs.WebSockets;
using Ncco.Media.SoundFile;
using Ncco.Model;
using Ncco.Model.Endpoints;
using Ncco.Webhooks;
using Ncco.Control;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// End to end with real audio: NccoVm (real-time scheduler) + the host media plane and dialer + a loopback
/// WebSocket application. Every test is bounded to a few seconds.
/// </summary>
public sealed class WebSocketLegTests : IAsyncLifetime
{
    private MediaHarness _h = null!;

    public async Task InitializeAsync() => _h = await MediaHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Socket_gets_connected_message_with_headers_and_vonage_jwt_then_hears_the_talk()
    {
        var (leg, socket) = await _h.CallSocketAsync("talk",
            NccoBuilder.Create().Talk("Hello, this is the media plane speaking.").Build(),
            headers: new { caller = "alice", tier = 3 },
            authorization: new WebSocketAuthorization(WebSocketAuthorizationType.Vonage));

        var (_, connected) = await socket.NextEventAsync("websocket:connected");
        Assert.Equal("audio/l16;rate=16000", connected.GetProperty("content-type").GetString());
        Assert.Equal("alice", connected.GetProperty("caller").GetString());
        Assert.Equal(3, connected.GetProperty("tier").GetInt32());

        Assert.StartsWith("Bearer ", socket.Authorization, StringComparison.Ordinal);
        Assert.True(WebhookSigner.TryVerify(socket.Authorization["Bearer ".Length..], MediaHarness.Secret, [], out var claims));
        Assert.Equal("Vonage", claims.GetProperty("iss").GetString());

        await _h.StatusAsync(leg.Id, "answered");
        // The NCCO ends after the talk: the platform hangs up and closes the socket normally.
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.Closed.WaitAsync(TimeSpan.FromSeconds(8)));
        await _h.StatusAsync(leg.Id, "completed");

        var sizes = socket.BinarySizes();
        Assert.NotEmpty(sizes);
        Assert.All(sizes, s => Assert.Equal(640, s));
        var voiced = TestAudio.VoicedSeconds(socket.Audio(), 16000);
        Assert.InRange(voiced, 1.0, 5.0); // seven words of espeak-ng speech
        Assert.DoesNotContain(_h.Events, e => MediaHarness.Field(e, "status") == "disconnected");
    }

    [Fact]
    public async Task Dtmf_tones_written_by_the_app_complete_an_input_on_its_leg_at_8_khz()
    {
        var (leg, socket) = await _h.CallSocketAsync("keys",
            NccoBuilder.Create().Input(InputTypes.Dtmf, dtmf: new() { MaxDigits = 3, Timeout = 5 }).Build(), rate: 8000);
        await socket.NextEventAsync("websocket:connected");
        // Malformed input first: none of it may disturb the leg.
        await socket.SendBinaryAsync(new byte[100]);
        await socket.SendTextAsync("this is not json");
        await socket.SendTextAsync("""{"action":"dance"}""");
        await socket.SendAudioAsync(TestAudio.Concat(TestAudio.Silence(0.2, 8000), TestAudio.Dtmf("123", 8000), TestAudio.Silence(0.2, 8000)), 8000);

        var input = await _h.EventAsync(e => e.TryGetProperty("dtmf", out _) && MediaHarness.Field(e, "uuid") == leg.Id);
        Assert.Equal("123", input.GetProperty("dtmf").GetProperty("digits").GetString());
        Assert.All(socket.BinarySizes(), s => Assert.Equal(320, s));
    }

    [Fact]
    public async Task Record_action_writes_a_real_mp3_found_by_the_store_with_the_reported_size()
    {
        var (_, socket) = await _h.CallSocketAsync("record",
            NccoBuilder.Create().Record(endOnKey: '#', beepStart: true).Build());
        await socket.NextEventAsync("websocket:connected");
        await socket.SendAudioAsync(TestAudio.Concat(TestAudio.Silence(0.6, 16000), TestAudio.Tone(440, 1.5, 16000), TestAudio.Silence(0.3, 16000), TestAudio.Dtmf("#", 16000)), 16000);

        var record = await _h.EventAsync(e => e.TryGetProperty("recording_url", out _));
        var url = record.GetProperty("recording_url").GetString()!;
        Assert.StartsWith("https://api.nexmo.com/v1/files/", url, StringComparison.Ordinal);
        var file = await _h.Media.Recordings.FindAsync(url.Split('/')[^1], CancellationToken.None);
        Assert.NotNull(file);
        Assert.Equal("audio/mpeg", file.ContentType);
        Assert.Equal(record.GetProperty("size").GetInt64(), file.Length);
        Assert.StartsWith(Path.Combine(_h.DataDirectory, "recordings"), file.Path, StringComparison.Ordinal);

        var (rate, channels, samples) = SoundFileReader.ReadAll(file.Path);
        Assert.Equal(16000, rate);
        Assert.Equal(1, channels);
        Assert.InRange(samples.Length / 16000.0, 1.5, 6); // beep + tone + key, in real time
        Assert.InRange(TestAudio.VoicedSeconds(samples, 16000), 1.2, 4);
        Assert.True(TestAudio.ToneShare(samples, 440, 16000) > 0.3, "the app's 440 Hz tone is in the recording");
        Assert.Null(await _h.Media.Recordings.FindAsync("../../etc/passwd", CancellationToken.None));
    }

    [Fact]
    public async Task Notify_is_answered_after_queued_audio_played_and_clear_drops_it()
    {
        var (_, socket) = await _h.CallSocketAsync("control", NccoBuilder.Create().Conversation("control-room").Build());
        await socket.NextEventAsync("websocket:connected");

        await socket.SendAudioAsync(TestAudio.Tone(300, 1.0, 16000), 16000);
        var sent = Stopwatch.GetTimestamp();
        await socket.SendTextAsync("""{"action":"notify","payload":{"mark":"one"}}""");
        var (at, notify) = await socket.NextEventAsync("websocket:notify");
        Assert.Equal("one", notify.GetProperty("payload").GetProperty("mark").GetString());
        Assert.InRange(Stopwatch.GetElapsedTime(sent, at).TotalSeconds, 0.7, 3); // one second of audio played first

        await socket.SendAudioAsync(TestAudio.Tone(300, 10.0, 16000), 16000);
        await socket.SendTextAsync("""{"action":"notify","payload":{"mark":"two"}}""");
        var clearAt = Stopwatch.GetTimestamp();
        await socket.SendTextAsync("""{"action":"clear"}""");
        await socket.NextEventAsync("websocket:cleared");
        var (twoAt, two) = await socket.NextEventAsync("websocket:notify");
        Assert.Equal("two", two.GetProperty("payload").GetProperty("mark").GetString());
        Assert.True(Stopwatch.GetElapsedTime(clearAt, twoAt) < TimeSpan.FromSeconds(2), "cleared audio is not waited for");
    }

    [Fact]
    public async Task Two_socket_legs_connected_hear_each_other_get_each_others_keys_and_disconnect_runs_the_returned_ncco()
    {
        _h.OnEvent = e => MediaHarness.Field(e, "status") == "disconnected"
            ? NccoBuilder.Create().Talk("The other side has left the call.").Build()
            : null;
        var (a, socketA) = await _h.CallSocketAsync("a", NccoBuilder.Create()
            .Connect(CallEndpoint.WebSocket(_h.Sockets.Url("b"), 16000, new { side = "b" }), eventUrl: "https://app.test/connect-events")
            .Talk("Never reached: the disconnected answer replaced this NCCO.").Build());
        var socketB = await _h.Sockets.AcceptAsync("b");
        await socketB.NextEventAsync("websocket:connected");
        // Both legs in the VM's mix, then one more tick for the media thread to follow the snapshot.
        var b = _h.Vm.Legs.Single(l => l.To.EndsWith("/b", StringComparison.Ordinal));
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5;
        while (!await _h.Vm.InvokeAsync(() => a.InMix && b.InMix) && Stopwatch.GetTimestamp() < deadline) await Task.Delay(20);
        await Task.Delay(100);

        // B speaks a tone: A hears it through the conversation mixer.
        await socketB.SendAudioAsync(TestAudio.Tone(1000, 1.0, 16000), 16000);
        // A presses 7 (in-band): B is told with websocket:dtmf.
        await socketA.SendAudioAsync(TestAudio.Dtmf("7", 16000), 16000);
        var (_, dtmf) = await socketB.NextEventAsync("websocket:dtmf");
        Assert.Equal("7", dtmf.GetProperty("digit").GetString());
        Assert.InRange(dtmf.GetProperty("duration").GetInt32(), 60, 200);
        await Task.Delay(1200);
        var heardByA = socketA.Audio();
        Assert.True(TestAudio.ToneShare(heardByA, 1000, 16000) > 0.2, "A hears B's 1 kHz tone");
        Assert.InRange(TestAudio.VoicedSeconds(heardByA, 16000), 0.8, 2.5);

        var before = socketA.Audio().Length;
        await socketB.CloseAsync();
        var disconnected = await _h.EventAsync(e => MediaHarness.Field(e, "status") == "disconnected");
        Assert.Equal("b", disconnected.GetProperty("headers").GetProperty("side").GetString());
        await socketA.Closed.WaitAsync(TimeSpan.FromSeconds(8)); // A's replacement talk finished and the call ended
        var after = socketA.Audio().AsSpan(before);
        Assert.InRange(TestAudio.VoicedSeconds(after, 16000), 1.0, 5.0);
        await _h.StatusAsync(a.Id, "completed");
    }

    [Fact]
    public async Task Rest_hangup_closes_the_socket_without_disconnected()
    {
        var (leg, socket) = await _h.CallSocketAsync("hangup", NccoBuilder.Create().Conversation("hangup-room").Build());
        await socket.NextEventAsync("websocket:connected");
        await _h.StatusAsync(leg.Id, "answered");
        await _h.Vm.Control.HangupAsync(leg.Id);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.Closed.WaitAsync(TimeSpan.FromSeconds(5)));
        var completed = await _h.StatusAsync(leg.Id, "completed");
        Assert.Equal("platform", completed.GetProperty("disconnected_by").GetString());
        Assert.DoesNotContain(_h.Events, e => MediaHarness.Field(e, "status") == "disconnected");
        await Task.Delay(200);
        Assert.Single(_h.Events, e => MediaHarness.Field(e, "status") == "completed");
    }

    [Fact]
    public async Task App_closing_a_rest_created_socket_reports_disconnected_with_its_headers_then_completed()
    {
        var (leg, socket) = await _h.CallSocketAsync("app-closes", NccoBuilder.Create().Conversation("closing-room").Build(), headers: new { room = "blue" });
        await socket.NextEventAsync("websocket:connected");
        await _h.StatusAsync(leg.Id, "answered");
        await socket.CloseAsync();
        var completed = await _h.StatusAsync(leg.Id, "completed");
        Assert.Equal("user", completed.GetProperty("disconnected_by").GetString());
        await Task.Delay(200);
        var statuses = _h.Events.Where(e => MediaHarness.Field(e, "uuid") == leg.Id).Select(e => MediaHarness.Field(e, "status")).OfType<string>().ToList();
        Assert.Equal(["started", "ringing", "answered", "disconnected", "completed"], statuses);
        var disconnected = _h.Events.Single(e => MediaHarness.Field(e, "status") == "disconnected");
        Assert.Equal("blue", disconnected.GetProperty("headers").GetProperty("room").GetString());
    }

    [Fact]
    public async Task Unreachable_socket_fails_with_cannot_route()
    {
        var started = Stopwatch.GetTimestamp();
        var leg = await _h.Vm.Control.CreateCallAsync(new CreateCallRequest(CallEndpoint.WebSocket("ws://127.0.0.1:1/nobody")) { Ncco = NccoBuilder.Create().Talk("x").Build() });
        var failed = await _h.StatusAsync(leg.Id, "failed");
        Assert.Equal("cannot_route", failed.GetProperty("detail").GetString());
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Phone_endpoint_fails_fast_with_cannot_route()
    {
        var started = Stopwatch.GetTimestamp();
        var leg = await _h.Vm.Control.CreateCallAsync(new CreateCallRequest(CallEndpoint.Phone("447700900001")) { Ncco = NccoBuilder.Create().Talk("x").Build() });
        var failed = await _h.StatusAsync(leg.Id, "failed");
        Assert.Equal("cannot_route", failed.GetProperty("detail").GetString());
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void App_audio_buffer_caps_at_1024_frames_and_orders_notify_marks()
    {
        var buffer = new AppAudioBuffer(320);
        var frame = new byte[640];
        for (var i = 0; i < AppAudioBuffer.CapacityFrames; i++) Assert.True(buffer.TryWrite(frame));
        Assert.False(buffer.TryWrite(frame));
        Assert.Equal(1, buffer.Dropped);
        var replies = new List<string>();
        buffer.Mark("after-1024", replies.Add);
        var into = new short[320];
        for (var i = 0; i < 1023; i++) buffer.TryRead(into, replies.Add);
        Assert.Empty(replies);
        buffer.TryRead(into, replies.Add);
        Assert.Equal(["after-1024"], replies);
        Assert.False(buffer.TryRead(into, replies.Add));
    }

    /// <summary>
    /// Issue 19: an app streaming in real time (one frame in, one out) holds a couple of frame buffers however long it
    /// streams; a burst holds as many as were queued at once, reused afterwards; clear gives them back too. (Buffers used
    /// to belong to ring slots, so every leg came to hold all 1,024 after 20 s of streaming.)
    /// </summary>
    [Fact]
    public void App_audio_buffer_holds_only_as_many_frame_buffers_as_were_queued_at_once()
    {
        var buffer = new AppAudioBuffer(320);
        var frame = new byte[640];
        var into = new short[320];
        var replies = new List<string>();
        for (var i = 0; i < 3 * AppAudioBuffer.CapacityFrames; i++)
        {
            frame[0] = (byte)i;
            Assert.True(buffer.TryWrite(frame));
            Assert.True(buffer.TryRead(into, replies.Add));
            Assert.Equal((short)(byte)i, into[0]);
        }
        Assert.Equal(1, buffer.BuffersAllocated);

        for (var i = 0; i < 100; i++) Assert.True(buffer.TryWrite(frame));
        for (var i = 0; i < 100; i++) Assert.True(buffer.TryRead(into, replies.Add));
        Assert.Equal(100, buffer.BuffersAllocated);
        for (var i = 0; i < 50; i++) Assert.True(buffer.TryWrite(frame));
        Assert.Empty(buffer.Clear());
        Assert.False(buffer.TryRead(into, replies.Add));
        for (var i = 0; i < 2 * AppAudioBuffer.CapacityFrames; i++)
        {
            Assert.True(buffer.TryWrite(frame));
            if (i % 2 == 1) { Assert.True(buffer.TryRead(into, replies.Add)); Assert.True(buffer.TryRead(into, replies.Add)); }
        }
        Assert.Equal(100, buffer.BuffersAllocated);
        Assert.Equal(0, buffer.Count);
        Assert.Empty(replies);
    }
}
