using System.Text.Json;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Serialization;

namespace Ncco.Verbs;

/// <summary>
/// The <c>connect</c> wire format: the one endpoint (read and written by <see cref="NccoReader.ReadEndpoint"/> and
/// <see cref="NccoWriter.WriteEndpoint"/>, which REST calls share) and the snake_case <c>advancedMachineDetection</c>.
/// </summary>
internal static class ConnectJson
{
    public static ConnectAction Read(NccoNode a)
    {
        var endpoint = NccoReader.ReadEndpoint(a.GetProperty("endpoint"u8)[0]);
        var amd = a.Object("advancedMachineDetection"u8) ?? a.Object("advanced_machine_detection"u8);
        return new ConnectAction(endpoint)
        {
            From = a.String("from"u8),
            RandomFromNumber = a.Bool("randomFromNumber"u8) ?? false,
            EventType = a.Is("eventType"u8, "synchronous"u8) ? ConnectEventType.Synchronous : ConnectEventType.Asynchronous,
            Timeout = a.Int("timeout"u8) ?? ConnectAction.DefaultTimeout,
            Limit = a.Int("limit"u8) ?? ConnectAction.DefaultLimit,
            MachineDetection = Behavior(a, "machineDetection"u8),
            AdvancedMachineDetection = amd is { } m
                ? new AdvancedMachineDetection
                {
                    Behavior = Behavior(m, "behavior"u8) ?? MachineDetectionBehavior.Continue,
                    Mode = m.Is("mode"u8, "default"u8) ? MachineDetectionMode.Default : m.Is("mode"u8, "detect_beep"u8) ? MachineDetectionMode.DetectBeep : MachineDetectionMode.Detect,
                    BeepTimeout = m.Int("beep_timeout"u8),
                }
                : null,
            LazyEventUrl = a.FirstUrl("eventUrl"u8),
            EventMethod = a.EventMethod(),
            LazyRingbackTone = a.Url("ringbackTone"u8),
        };
    }

    public static void Write(Utf8JsonWriter w, ConnectAction connect)
    {
        w.WriteStartArray("endpoint");
        NccoWriter.WriteEndpoint(w, connect.Endpoint);
        w.WriteEndArray();
        if (connect.From is not null) w.WriteString("from", connect.From);
        if (connect.RandomFromNumber) w.WriteBoolean("randomFromNumber", true);
        if (connect.EventType == ConnectEventType.Synchronous) w.WriteString("eventType", "synchronous");
        if (connect.Timeout != ConnectAction.DefaultTimeout) w.WriteNumber("timeout", connect.Timeout);
        if (connect.Limit != ConnectAction.DefaultLimit) w.WriteNumber("limit", connect.Limit);
        if (connect.MachineDetection is { } behavior) w.WriteString("machineDetection", Behavior(behavior));
        if (connect.AdvancedMachineDetection is { } amd)
        {
            w.WriteStartObject("advancedMachineDetection");
            w.WriteString("behavior", Behavior(amd.Behavior));
            w.WriteString("mode", amd.Mode switch { MachineDetectionMode.Default => "default", MachineDetectionMode.DetectBeep => "detect_beep", _ => "detect" });
            if (amd.BeepTimeout is { } beepTimeout) w.WriteNumber("beep_timeout", beepTimeout);
            w.WriteEndObject();
        }
        w.WriteEventUrl(connect.EventUrl, connect.EventMethod);
        if (connect.RingbackTone is { } ringback) w.WriteString("ringbackTone", ringback.OriginalString);
    }

    private static MachineDetectionBehavior? Behavior(NccoNode e, ReadOnlySpan<byte> name) =>
        e.Is(name, "continue"u8) ? MachineDetectionBehavior.Continue : e.Is(name, "hangup"u8) ? MachineDetectionBehavior.Hangup : null;

    private static string Behavior(MachineDetectionBehavior behavior) => behavior == MachineDetectionBehavior.Hangup ? "hangup" : "continue";
}
