using System.Net;
using System.Text;
using Ncco.Media.Asr;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Asr;

/// <summary>Tests the HTTP provider against a tiny fake transcription server on loopback.</summary>
public sealed class OpenAiTranscriptionTests : IAsyncLifetime
{
    private HttpListener _listener = null!;
    private readonly List<(string Auth, string Body, byte[] Raw, string ContentType)> _requests = [];
    private Task _serve = Task.CompletedTask;
    private Uri _base = null!;
    private Func<string, (int Status, string Json)> _respond = _ => (200, "{\"text\":\"yes please\",\"segments\":[{\"avg_logprob\":-0.1}]}");

    public Task InitializeAsync()
    {
        (_listener, _base) = LoopbackHttpListener.Start();
        _serve = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await _listener.GetContextAsync();
                }
                catch (Exception) when (!_listener.IsListening)
                {
                    return;
                }
                using var ms = new MemoryStream();
                await ctx.Request.InputStream.CopyToAsync(ms);
                var raw = ms.ToArray();
                lock (_requests)
                {
                    _requests.Add((ctx.Request.Headers["Authorization"] ?? "", Encoding.Latin1.GetString(raw), raw, ctx.Request.ContentType ?? ""));
                }
                var (status, json) = ctx.Request.Url!.AbsolutePath == "/v1/audio/transcriptions" ? _respond(ctx.Request.ContentType ?? "") : (404, "{}");
                ctx.Response.StatusCode = status;
                ctx.Response.ContentType = "application/json";
                var bytes = Encoding.UTF8.GetBytes(json);
                await ctx.Response.OutputStream.WriteAsync(bytes);
                ctx.Response.Close();
            }
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        // Close alone: Stop followed by Close releases the prefix twice, and the second release re-binds the port,
        // which fails when another test process has taken it meanwhile.
        _listener.Close();
        await _serve.Within();
    }

    [Fact]
    public async Task Posts_a_wav_with_hints_and_reads_text_and_confidence()
    {
        using var http = new HttpClient();
        var asr = new OpenAiTranscriptionRecognizer(http, new OpenAiTranscriptionOptions(_base, "tiny-test", "secret"));
        var speech = WavReader.ReadAll(Tools.EspeakWav("yes please", 8000, "en-us", "oai-yes")).Samples;
        var audio = new short[4000].Concat(speech).Concat(new short[8000 * 2]).ToArray();
        await using var session = await SpeechInputSession.StartAsync(asr, new AsrSettings("en-GB", ["yes please", "no thanks"], EndOnSilence: 1), 8000, CancellationToken.None);
        for (var i = 0; i + 160 <= audio.Length && !session.Process(audio.AsSpan(i, 160)); i += 160)
        {
        }
        var result = await session.CompleteAsync(CancellationToken.None).Within();
        Assert.Equal(SpeechTimeoutReason.EndOnSilence, result.TimeoutReason);
        var alt = Assert.Single(result.Results);
        Assert.Equal("yes please", alt.Text);
        Assert.Equal(Math.Exp(-0.1), alt.Confidence!.Value, 6);

        var req = Assert.Single(_requests);
        Assert.Equal("Bearer secret", req.Auth);
        Assert.StartsWith("multipart/form-data", req.ContentType, StringComparison.Ordinal);
        Assert.Contains("name=model", req.Body, StringComparison.Ordinal);
        Assert.Contains("tiny-test", req.Body, StringComparison.Ordinal);
        Assert.Contains("yes please, no thanks", req.Body, StringComparison.Ordinal);
        Assert.Contains("\r\n\r\nen\r\n", req.Body, StringComparison.Ordinal);
        // The uploaded file is a WAV our reader (and any server) can decode, holding the speech and pre-roll.
        var start = req.Body.IndexOf("RIFF", StringComparison.Ordinal);
        var (info, uploaded) = WavReader.ReadAll(new MemoryStream(req.Raw[start..]));
        Assert.Equal(8000, info.SampleRate);
        Assert.InRange(uploaded.Length / 8000.0, speech.Length / 8000.0, (speech.Length / 8000.0) + 1.5);
    }

    [Fact]
    public async Task Server_errors_and_unreachable_servers_become_result_errors()
    {
        _respond = _ => (500, "{\"error\":\"model exploded\"}");
        using var http = new HttpClient();
        var asr = new OpenAiTranscriptionRecognizer(http, new OpenAiTranscriptionOptions(_base));
        await using var stream = await asr.StartAsync(new AsrSettings(), 16000, CancellationToken.None);
        stream.Write(new short[3200]);
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => stream.FinishAsync(CancellationToken.None));
        Assert.Contains("500", ex.Message, StringComparison.Ordinal);
        Assert.Contains("model exploded", ex.Message, StringComparison.Ordinal);

        var dead = new OpenAiTranscriptionRecognizer(http, new OpenAiTranscriptionOptions(new Uri("http://127.0.0.1:9/")));
        var speech = WavReader.ReadAll(Tools.EspeakWav("hello", 8000, "en-us", "oai-dead")).Samples.Concat(new short[8000 * 3]).ToArray();
        await using var session = await SpeechInputSession.StartAsync(dead, new AsrSettings(EndOnSilence: 1), 8000, CancellationToken.None);
        for (var i = 0; i + 160 <= speech.Length && !session.Process(speech.AsSpan(i, 160)); i += 160)
        {
        }
        var result = await session.CompleteAsync(CancellationToken.None).Within();
        Assert.Empty(result.Results);
        Assert.NotNull(result.Error);
    }
}
