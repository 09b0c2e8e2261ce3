using System.Net.Http.Headers;
using System.Text.Json;
using Ncco.Media.Wav;

namespace Ncco.Media.Asr;

/// <summary>
/// Speech recognition through an OpenAI-compatible HTTP service: the utterance is buffered (bounded by
/// <c>maxDuration</c>), sent as a 16-bit WAV in a multipart <c>POST /v1/audio/transcriptions</c> with <c>model</c>,
/// <c>language</c> (primary subtag), <c>prompt</c> (the <c>context</c> hints) and <c>response_format=verbose_json</c>.
/// Confidence is <c>exp(mean avg_logprob)</c> of the returned segments when present, otherwise null.
/// </summary>
public sealed class OpenAiTranscriptionRecognizer : ISpeechRecognizer
{
    private readonly HttpClient _http;
    private readonly OpenAiTranscriptionOptions _options;

    /// <summary>Creates the recogniser over a caller-owned <see cref="HttpClient"/>.</summary>
    public OpenAiTranscriptionRecognizer(HttpClient http, OpenAiTranscriptionOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options;
    }

    /// <inheritdoc />
    public string Name => "openai-transcriptions";

    /// <inheritdoc />
    public ValueTask<ISpeechRecognitionStream> StartAsync(AsrSettings settings, int sampleRate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return ValueTask.FromResult<ISpeechRecognitionStream>(new Stream(this, settings, sampleRate));
    }

    private async Task<IReadOnlyList<SpeechAlternative>> TranscribeAsync(short[] audio, int length, int sampleRate, AsrSettings settings, CancellationToken cancellationToken)
    {
        using var wav = new MemoryStream((length * 2) + 64);
        using (var writer = new WavWriter(wav, sampleRate, 1, leaveOpen: true))
        {
            writer.Write(audio.AsSpan(0, length));
        }
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(wav.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "file", "audio.wav");
        form.Add(new StringContent(_options.Model), "model");
        form.Add(new StringContent(settings.Language.Split('-')[0].ToLowerInvariant()), "language");
        form.Add(new StringContent("verbose_json"), "response_format");
        if (settings.Context is { Count: > 0 } hints)
        {
            form.Add(new StringContent(string.Join(", ", hints)), "prompt");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.BaseAddress, "v1/audio/transcriptions")) { Content = form };
        if (_options.ApiKey is { Length: > 0 } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout ?? TimeSpan.FromSeconds(30));
        using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"transcription service {request.RequestUri} answered {(int)response.StatusCode}: {Truncate(body)}");
        }
        try
        {
            using var json = JsonDocument.Parse(body);
            var text = json.RootElement.TryGetProperty("text", out var t) ? t.GetString()?.Trim() : null;
            if (string.IsNullOrEmpty(text))
            {
                return [];
            }
            double? confidence = null;
            if (json.RootElement.TryGetProperty("segments", out var segs) && segs.ValueKind == JsonValueKind.Array)
            {
                var logprobs = segs.EnumerateArray()
                    .Where(s => s.TryGetProperty("avg_logprob", out _))
                    .Select(s => s.GetProperty("avg_logprob").GetDouble())
                    .ToList();
                if (logprobs.Count > 0)
                {
                    confidence = Math.Clamp(Math.Exp(logprobs.Average()), 0, 1);
                }
            }
            return [new SpeechAlternative(text, confidence)];
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"transcription service {request.RequestUri} returned invalid JSON: {Truncate(body)}", ex);
        }
    }

    private static string Truncate(string s) => s.Length > 200 ? s[..200] + "…" : s;

    private sealed class Stream(OpenAiTranscriptionRecognizer owner, AsrSettings settings, int sampleRate) : ISpeechRecognitionStream
    {
        private readonly short[] _audio = new short[(int)(sampleRate * (settings.MaxDuration + 1))];
        private int _length;

        public void Write(ReadOnlySpan<short> samples)
        {
            var n = Math.Min(samples.Length, _audio.Length - _length);
            samples[..n].CopyTo(_audio.AsSpan(_length));
            _length += n;
        }

        public Task<IReadOnlyList<SpeechAlternative>> FinishAsync(CancellationToken cancellationToken) =>
            owner.TranscribeAsync(_audio, _length, sampleRate, settings, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
