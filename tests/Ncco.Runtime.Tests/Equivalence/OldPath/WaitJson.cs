using System.Text.Json;
using Ncco.Model.Actions;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Equivalence.OldPath;

/// <summary>The <c>wait</c> wire format.</summary>
internal static class WaitJson
{
    public static WaitAction Read(JsonElement a) => new() { Timeout = a.Number("timeout"u8) ?? WaitAction.DefaultTimeout };

    public static void Write(Utf8JsonWriter w, WaitAction wait)
    {
        if (wait.Timeout != WaitAction.DefaultTimeout) w.WriteNumber("timeout", wait.Timeout);
    }
}
