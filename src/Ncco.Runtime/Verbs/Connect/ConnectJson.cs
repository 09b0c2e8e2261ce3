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
            EventType = a.String("eventType"u8) == "synchronous" ? ConnectEventType.Synchronous : ConnectEventType.Asynchronous,
            Timeout = a.Int("timeout"u8) ?? ConnectAction.DefaultTimeout,
            Limit = a.Int("limit"u8) ?? ConnectAction.DefaultLimit,
            MachineDetection = Behavior(a.String("machineDetection"u8)),
            AdvancedMachineDetection = amd is { } m
                ? new AdvancedMachineDetection
                {
                    Behavior = Behavior(m.String("behavior"u8)) ?? MachineDetectionBehavior.Continue,
                    Mode = m.String("mode"u8) switch { "default" => MachineDetectionMode.Default, "detect_beep" => MachineDetectionMode.DetectBeep, _ => MachineDetectionMode.Detect },
                    BeepTimeout = m.Int("beep_timeout"u8),
                }
                : null,
            EventUrl = a.FirstUrl("eventUrl"u8),
            EventMethod = a.EventMethod(),
            RingbackTone = a.Url("ringbackTone"u8),
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

    private static MachineDetectionBehavior? Behavior(string? value) => value switch
    {
        "continue" => MachineDetectionBehavior.Continue,
        "hangup" => MachineDetectionBehavior.Hangup,
        _ => null,
    };

    private static string Behavior(MachineDetectionBehavior behavior) => behavior == MachineDetectionBehavior.Hangup ? "hangup" : "continue";
}
