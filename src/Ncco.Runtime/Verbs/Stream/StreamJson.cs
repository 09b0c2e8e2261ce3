using System.Text.Json;
using Ncco.Model.Actions;
using Ncco.Serialization;

namespace Ncco.Verbs;

/// <summary>The <c>stream</c> wire format (<c>streamUrl</c> is a one-element array).</summary>
internal static class StreamJson
{
    public static StreamAction Read(NccoNode a) => new(a.FirstUrl("streamUrl"u8))
    {
        BargeIn = a.Bool("bargeIn"u8) ?? false,
        Loop = a.Int("loop"u8) ?? TalkAction.DefaultLoop,
        Level = a.Number("level"u8) ?? 0,
    };

    public static void Write(Utf8JsonWriter w, StreamAction stream)
    {
        w.WriteUrlArray("streamUrl", stream.StreamUrl);
        if (stream.BargeIn) w.WriteBoolean("bargeIn", true);
        if (stream.Loop != TalkAction.DefaultLoop) w.WriteNumber("loop", stream.Loop);
        if (stream.Level != 0) w.WriteNumber("level", stream.Level);
    }
}
