using System.Text.Json;
using Ncco.Model.Actions;
using Ncco.Rules;
using Ncco.Serialization;

namespace Ncco.Verbs;

/// <summary>The <c>talk</c> wire format: read from validated JSON, written in the documented spelling, defaults left out.</summary>
internal static class TalkJson
{
    public static TalkAction Read(NccoNode a)
    {
        // voiceName is deprecated: it stands for a language and style, used only where those are not given.
        var language = a.String("language"u8);
        var style = a.Int("style"u8);
        if (a.String("voiceName"u8) is { } voiceName && LegacyVoiceNames.TryMap(voiceName, out var mappedLanguage, out var mappedStyle))
        {
            if (language is null)
            {
                language = mappedLanguage;
                style ??= mappedStyle;
            }
        }
        return new TalkAction(a.GetProperty("text"u8).GetString()!)
        {
            BargeIn = a.Bool("bargeIn"u8) ?? false,
            Loop = a.Int("loop"u8) ?? TalkAction.DefaultLoop,
            Level = a.Number("level"u8) ?? 0,
            Language = language is null ? TalkAction.DefaultLanguage : TtsLanguages.Canonical(language) ?? language,
            Style = style ?? 0,
            Premium = a.Bool("premium"u8) ?? false,
            Provider = a.String("provider"u8),
            ProviderOptions = a.Raw("providerOptions"u8),
        };
    }

    public static void Write(Utf8JsonWriter w, TalkAction talk)
    {
        w.WriteString("text", talk.Text);
        if (talk.BargeIn) w.WriteBoolean("bargeIn", true);
        if (talk.Loop != TalkAction.DefaultLoop) w.WriteNumber("loop", talk.Loop);
        if (talk.Level != 0) w.WriteNumber("level", talk.Level);
        if (talk.Language != TalkAction.DefaultLanguage) w.WriteString("language", talk.Language);
        if (talk.Style != 0) w.WriteNumber("style", talk.Style);
        if (talk.Premium) w.WriteBoolean("premium", true);
        if (talk.Provider is not null) w.WriteString("provider", talk.Provider);
        if (talk.ProviderOptions is { } providerOptions) w.WriteRaw("providerOptions", providerOptions);
    }
}
