using System.Text.Json;
using Ncco.Model.Actions;
using Ncco.Serialization;

namespace Ncco.Verbs;

/// <summary>The <c>transfer</c> wire format (<c>conversation_id</c> is read as an alias of <c>conversationId</c>).</summary>
internal static class TransferJson
{
    public static TransferAction Read(NccoNode a) => new((a.String("conversationId"u8) ?? a.String("conversation_id"u8))!)
    {
        CanHear = a.Strings("canHear"u8),
        CanSpeak = a.Strings("canSpeak"u8),
        Mute = a.Bool("mute"u8) ?? false,
    };

    public static void Write(Utf8JsonWriter w, TransferAction transfer)
    {
        w.WriteString("conversationId", transfer.ConversationId);
        if (transfer.CanHear is { } canHear) w.WriteStrings("canHear", canHear);
        if (transfer.CanSpeak is { } canSpeak) w.WriteStrings("canSpeak", canSpeak);
        if (transfer.Mute) w.WriteBoolean("mute", true);
    }
}
