using System.Diagnostics;
using Ncco.Media.SoundFile;
using Ncco.Media.Tts;
using Ncco.Model;
using Ncco.Model.Actions;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>Speech recognition, silence detection and conversation recording through the host media plane, with real audio.</summary>
public sealed class MediaPlaneTests : IAsyncLifetime
{
    private MediaHarness _h = null!;

    public async Task InitializeAsync() => _h = await MediaHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static async Task<short[]> SpeakAsync(string text)
    {
        var samples = new List<short>();
        await foreach (var chunk in new EspeakTextToSpeech().SynthesizeAsync(new TtsRequest(text), 16000, CancellationToken.None))
            samples.AddRange(chunk.ToArray());
        return [.. samples];
    }

    [Fact]
    public async Task Speech_input_recognises_what_the_app_says_with_pocketsphinx()
    {
        var (leg, socket) = await _h.CallSocketAsync("speech",
            NccoBuilder.Create().Input(InputTypes.Speech, speech: new() { Context = ["yes", "no"], EndOnSilence = 1, SaveAudio = true }).Build());
        await socket.NextEventAsync("websocket:connected");
        // The input starts listening once the VM has run the answer and the media thread has taken the command; on a
        // loaded machine that can be seconds after the socket connects, so wait for it rather than guess a lead-in.
        await _h.WaitUntilListeningAsync(leg.Id);
        await socket.SendAudioAsync(TestAudio.Concat(TestAudio.Silence(0.5, 16000), await SpeakAsync("yes"), TestAudio.Silence(2, 16000)), 16000);

        // Recognition runs in real time after 3 s of audio; give a loaded 2-core machine room.
        var input = await _h.EventAsync(e => e.TryGetProperty("speech", out _) && MediaHarness.Field(e, "uuid") == leg.Id, TimeSpan.FromSeconds(20));
        var speech = input.GetProperty("speech");
        Assert.Equal("end_on_silence_timeout", speech.GetProperty("timeout_reason").GetString());
        Assert.Equal("yes", speech.GetProperty("results")[0].GetProperty("text").GetString());

        // saveAudio: the utterance itself (plus a short lead-in and the closing silence), not the whole input.
        var url = speech.GetProperty("recording_url").GetString()!;
        var file = await _h.Media.Recordings.FindAsync(url.Split('/')[^1], CancellationToken.None);
        Assert.NotNull(file);
        Assert.Equal(Ncco.Host.Recordings.RecordingKind.SpeechAudio, file.Info.Kind);
        Assert.Equal(leg.Id, file.Info.LegUuid);
        var (rate, _, samples) = SoundFileReader.ReadAll(file.Path);
        Assert.Equal(16000, rate);
        Assert.InRange(TestAudio.VoicedSeconds(samples, rate), 0.2, 1.2);
        Assert.InRange(samples.Length / (double)rate, 0.5, 3.0);
    }

    [Fact]
    public async Task Record_end_on_silence_follows_the_real_audio()
    {
        var (_, socket) = await _h.CallSocketAsync("silence",
            NccoBuilder.Create().Record(endOnSilence: 3, format: RecordingFormat.Wav).Build());
        await socket.NextEventAsync("websocket:connected");
        await socket.SendAudioAsync(TestAudio.Concat(TestAudio.Silence(0.5, 16000), TestAudio.Tone(500, 1.5, 16000, amplitude: 6000)), 16000);

        var record = await _h.EventAsync(e => e.TryGetProperty("recording_url", out _), TimeSpan.FromSeconds(15));
        var file = await _h.Media.Recordings.FindAsync(record.GetProperty("recording_url").GetString()!.Split('/')[^1], CancellationToken.None);
        Assert.NotNull(file);
        Assert.Equal("audio/wav", file.ContentType);
        var (rate, _, samples) = SoundFileReader.ReadAll(file.Path);
        Assert.Equal(16000, rate);
        Assert.InRange(TestAudio.VoicedSeconds(samples, rate), 1.2, 2.0);
        // endOnSilence: the recording stops 3 s after the sound stopped, not 3 s after it started (that would leave
        // about 1 s of silence in the file). The VM's timer runs on the wall clock while the file holds the frames the
        // media thread processed, so on a loaded machine the file can be up to about a second short: the lower bound
        // allows that and still tells the two apart.
        var frame = rate / 50;
        var lastVoiced = Enumerable.Range(0, samples.Length / frame)
            .Last(i => Math.Sqrt(samples.AsSpan(i * frame, frame).ToArray().Average(v => (double)v * v)) > 1000);
        var silenceAfter = samples.Length / (double)rate - (lastVoiced + 1) / 50.0;
        Assert.InRange(silenceAfter, 1.8, 3.6);
    }

    [Fact]
    public async Task Record_with_transcription_serves_a_transcript_of_what_the_app_said()
    {
        var (leg, socket) = await _h.CallSocketAsync("transcribed",
            NccoBuilder.Create().Record(endOnSilence: 3, format: RecordingFormat.Wav, transcription: new TranscriptionSettings()).Build());
        await socket.NextEventAsync("websocket:connected");
        await socket.SendAudioAsync(TestAudio.Concat(TestAudio.Silence(1, 16000), await SpeakAsync("hello world")), 16000);

        // The record event comes first; the transcript follows once pocketsphinx has run over the file.
        var record = await _h.EventAsync(e => e.TryGetProperty("recording_url", out _), TimeSpan.FromSeconds(15));
        var transcribed = await _h.EventAsync(e => MediaHarness.Field(e, "status") == "transcribed", TimeSpan.FromSeconds(30));
        Assert.Equal(record.GetProperty("recording_uuid").GetString(), transcribed.GetProperty("recording_uuid").GetString());
        Assert.Equal("record", transcribed.GetProperty("type").GetString());
        var file = await _h.Media.Recordings.FindAsync(transcribed.GetProperty("transcription_url").GetString()!.Split('/')[^1], CancellationToken.None);
        Assert.NotNull(file);
        Assert.Equal("application/json", file.ContentType);
        Assert.Equal(Ncco.Host.Recordings.RecordingKind.Transcription, file.Info.Kind);
        Assert.Equal(leg.Id, file.Info.LegUuid);

        using var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllBytesAsync(file.Path));
        var root = json.RootElement;
        Assert.Equal("1.0", root.GetProperty("ver").GetString());
        Assert.True(Guid.TryParse(root.GetProperty("request_id").GetString(), out _));
        var channel = Assert.Single(root.GetProperty("channels").EnumerateArray());
        var sentence = Assert.Single(channel.GetProperty("transcript").EnumerateArray());
        Assert.False(string.IsNullOrWhiteSpace(sentence.GetProperty("raw_sentence").GetString()));
        // The speech starts 1 s into the recording (less the 200 ms pad) and lasts about a second.
        Assert.InRange(sentence.GetProperty("timestamp").GetInt64(), 600, 1100);
        Assert.InRange(sentence.GetProperty("duration").GetInt64(), 500, 2500);
        var words = sentence.GetProperty("words").EnumerateArray().ToList();
        Assert.NotEmpty(words);
        Assert.Equal(sentence.GetProperty("timestamp").GetInt64(), words[0].GetProperty("start_time").GetInt64());
        Assert.InRange(channel.GetProperty("duration").GetInt64(), 3, 8);
    }

    [Fact]
    public async Task Transcription_in_a_language_without_a_model_reports_failed_with_the_reason()
    {
        var (_, socket) = await _h.CallSocketAsync("transcribed-de",
            NccoBuilder.Create().Record(endOnSilence: 3, format: RecordingFormat.Wav, transcription: new TranscriptionSettings { Language = "de-DE" }).Build());
        await socket.NextEventAsync("websocket:connected");
        await socket.SendAudioAsync(TestAudio.Concat(TestAudio.Silence(0.5, 16000), TestAudio.Tone(500, 1, 16000, amplitude: 6000)), 16000);

        var failed = await _h.EventAsync(e => MediaHarness.Field(e, "status") == "failed" && e.TryGetProperty("recording_uuid", out _), TimeSpan.FromSeconds(30));
        Assert.Contains("de-DE", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(failed.TryGetProperty("transcription_url", out _));
    }

    [Fact]
    public async Task Conversation_recording_holds_the_mix_of_its_participants()
    {
        var (_, socketA) = await _h.CallSocketAsync("conf-a", NccoBuilder.Create().Conversation("recorded-room", record: true).Build());
        var (b, socketB) = await _h.CallSocketAsync("conf-b", NccoBuilder.Create().Conversation("recorded-room", endOnExit: true).Build());
        await socketA.NextEventAsync("websocket:connected");
        await socketB.NextEventAsync("websocket:connected");
        await Task.Delay(200);
        await socketA.SendAudioAsync(TestAudio.Tone(600, 0.8, 16000), 16000);
        await socketB.SendAudioAsync(TestAudio.Tone(900, 0.8, 16000), 16000);
        await Task.Delay(1200);
        Assert.True(TestAudio.ToneShare(socketB.Audio(), 600, 16000) > 0.2, "B hears A");
        Assert.True(TestAudio.ToneShare(socketA.Audio(), 900, 16000) > 0.2, "A hears B");
        await _h.Vm.Control.HangupAsync(b.Id); // endOnExit: the conversation, and its recording, end

        var record = await _h.EventAsync(e => e.TryGetProperty("recording_url", out _));
        var file = await _h.Media.Recordings.FindAsync(record.GetProperty("recording_url").GetString()!.Split('/')[^1], CancellationToken.None);
        Assert.NotNull(file);
        Assert.Equal(record.GetProperty("size").GetInt64(), file.Length);
        var (_, _, samples) = SoundFileReader.ReadAll(file.Path);
        Assert.True(TestAudio.ToneShare(samples, 600, 16000) > 0.1, "A's tone is recorded");
        Assert.True(TestAudio.ToneShare(samples, 900, 16000) > 0.1, "B's tone is recorded");
    }
}
