using System.Text.Json;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Rules;
using Ncco.Serialization;

namespace Ncco.Verbs;

/// <summary>The <c>input</c> wire format: <c>type</c> as an array, the <c>dtmf</c> and <c>speech</c> settings objects.</summary>
internal static class InputJson
{
    public static InputAction Read(NccoNode a)
    {
        var types = InputTypes.None;
        foreach (var type in a.GetProperty("type"u8).EnumerateArray())
        {
            types |= type.ValueEquals("dtmf"u8) ? InputTypes.Dtmf : InputTypes.Speech;
        }
        return new InputAction(types)
        {
            Dtmf = a.Object("dtmf"u8) is { } d
                ? new DtmfSettings
                {
                    Timeout = d.Int("timeOut"u8) ?? DtmfSettings.DefaultTimeout,
                    MaxDigits = d.Int("maxDigits"u8) ?? DtmfSettings.DefaultMaxDigits,
                    SubmitOnHash = d.Bool("submitOnHash"u8) ?? false,
                }
                : null,
            Speech = a.Object("speech"u8) is { } s
                ? new SpeechSettings
                {
                    Uuid = s.Strings("uuid"u8) is { Count: > 0 } uuid ? uuid[0] : null,
                    EndOnSilence = s.Number("endOnSilence"u8) ?? SpeechSettings.DefaultEndOnSilence,
                    Language = s.String("language"u8) is { } language ? AsrLanguages.Canonical(language) ?? language : TalkAction.DefaultLanguage,
                    Context = s.Strings("context"u8) ?? EquatableList<string>.Empty,
                    StartTimeout = s.Int("startTimeout"u8) ?? SpeechSettings.DefaultStartTimeout,
                    MaxDuration = s.Int("maxDuration"u8) ?? SpeechSettings.DefaultMaxDuration,
                    SaveAudio = s.Bool("saveAudio"u8) ?? false,
                    Sensitivity = s.Int("sensitivity"u8) ?? SpeechSettings.DefaultSensitivity,
                    Provider = s.String("provider"u8),
                    ProviderOptions = s.Raw("providerOptions"u8),
                }
                : null,
            LazyEventUrl = a.FirstUrl("eventUrl"u8),
            EventMethod = a.EventMethod(),
            Mode = a.Is("mode"u8, "asynchronous"u8) ? InputMode.Asynchronous : InputMode.Synchronous,
        };
    }

    public static void Write(Utf8JsonWriter w, InputAction input)
    {
        w.WriteStartArray("type");
        if (input.Type.HasFlag(InputTypes.Dtmf)) w.WriteStringValue("dtmf");
        if (input.Type.HasFlag(InputTypes.Speech)) w.WriteStringValue("speech");
        w.WriteEndArray();
        if (input.Dtmf is { } dtmf)
        {
            w.WriteStartObject("dtmf");
            if (dtmf.Timeout != DtmfSettings.DefaultTimeout) w.WriteNumber("timeOut", dtmf.Timeout);
            if (dtmf.MaxDigits != DtmfSettings.DefaultMaxDigits) w.WriteNumber("maxDigits", dtmf.MaxDigits);
            if (dtmf.SubmitOnHash) w.WriteBoolean("submitOnHash", true);
            w.WriteEndObject();
        }
        if (input.Speech is { } speech)
        {
            w.WriteStartObject("speech");
            if (speech.Uuid is not null)
            {
                w.WriteStartArray("uuid");
                w.WriteStringValue(speech.Uuid);
                w.WriteEndArray();
            }
            if (speech.EndOnSilence != SpeechSettings.DefaultEndOnSilence) w.WriteNumber("endOnSilence", speech.EndOnSilence);
            if (speech.Language != TalkAction.DefaultLanguage) w.WriteString("language", speech.Language);
            if (speech.Context.Count > 0) w.WriteStrings("context", speech.Context);
            if (speech.StartTimeout != SpeechSettings.DefaultStartTimeout) w.WriteNumber("startTimeout", speech.StartTimeout);
            if (speech.MaxDuration != SpeechSettings.DefaultMaxDuration) w.WriteNumber("maxDuration", speech.MaxDuration);
            if (speech.SaveAudio) w.WriteBoolean("saveAudio", true);
            if (speech.Sensitivity != SpeechSettings.DefaultSensitivity) w.WriteNumber("sensitivity", speech.Sensitivity);
            if (speech.Provider is not null) w.WriteString("provider", speech.Provider);
            if (speech.ProviderOptions is { } options) w.WriteRaw("providerOptions", options);
            w.WriteEndObject();
        }
        w.WriteEventUrl(input.EventUrl, input.EventMethod);
        if (input.Mode == InputMode.Asynchronous) w.WriteString("mode", "asynchronous");
    }
}
