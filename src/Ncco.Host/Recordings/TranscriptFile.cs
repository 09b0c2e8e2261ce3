using System.Text.Json;
using Ncco.Media.Asr;

namespace Ncco.Host.Recordings;

/// <summary>
/// The transcript file served at a <c>transcription_url</c> (reference §2.5): <c>ver</c>, <c>request_id</c> and one
/// <c>channels[]</c> entry per recorded channel holding its <c>transcript[]</c> sentences — <c>sentence</c>,
/// <c>raw_sentence</c>, <c>duration</c> and <c>timestamp</c> in milliseconds, <c>words[]</c> with <c>start_time</c>,
/// <c>end_time</c> (ms) and <c>confidence</c> — and the channel's <c>duration</c> in whole seconds.
/// Word times are estimates (see <see cref="RecordingTranscriber"/>); sentence times are measured.
/// </summary>
internal static class TranscriptFile
{
    public const string Version = "1.0";

    public static byte[] Serialize(IReadOnlyList<TranscriptChannel> channels, string requestId)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("ver", Version);
            w.WriteString("request_id", requestId);
            w.WriteStartArray("channels");
            foreach (var channel in channels)
            {
                w.WriteStartObject();
                w.WriteStartArray("transcript");
                foreach (var s in channel.Sentences)
                {
                    w.WriteStartObject();
                    w.WriteString("sentence", Sentence(s.Text));
                    w.WriteString("raw_sentence", s.Text);
                    w.WriteNumber("duration", Ms(s.Duration));
                    w.WriteNumber("timestamp", Ms(s.Start));
                    if (s.Confidence is { } c) w.WriteNumber("confidence", Math.Round(c, 4));
                    w.WriteStartArray("words");
                    foreach (var word in s.Words)
                    {
                        w.WriteStartObject();
                        w.WriteString("word", word.Word);
                        w.WriteNumber("start_time", Ms(word.Start));
                        w.WriteNumber("end_time", Ms(word.End));
                        if (word.Confidence is { } wc) w.WriteNumber("confidence", Math.Round(wc, 4));
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteNumber("duration", (long)Math.Ceiling(channel.Duration.TotalSeconds));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static long Ms(TimeSpan t) => (long)Math.Round(t.TotalMilliseconds);

    /// <summary>The display form: capitalised, ending with a full stop (the raw form is the recogniser's words).</summary>
    private static string Sentence(string raw)
    {
        var text = raw.Trim();
        if (text.Length == 0) return text;
        return char.ToUpperInvariant(text[0]) + text[1..] + (char.IsPunctuation(text[^1]) ? "" : ".");
    }
}
