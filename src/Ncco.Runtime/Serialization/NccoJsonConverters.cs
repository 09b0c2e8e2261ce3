using System.Text.Json;
using System.Text.Json.Serialization;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;

namespace Ncco.Serialization;

/// <summary>
/// System.Text.Json support for <see cref="NccoDocument"/>: returning a document from an ASP.NET endpoint writes
/// the wire format; reading validates and throws <see cref="JsonException"/> naming every error.
/// </summary>
public sealed class NccoDocumentJsonConverter : JsonConverter<NccoDocument>
{
    /// <inheritdoc />
    public override NccoDocument Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var result = NccoParser.Parse(document.RootElement);
        return result.Document ?? throw new JsonException("Invalid NCCO: " + string.Join("; ", result.Errors));
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, NccoDocument value, JsonSerializerOptions options) => NccoWriter.Write(writer, value);
}

/// <summary>System.Text.Json support for a single <see cref="NccoAction"/> (for example in a list of actions).</summary>
public sealed class NccoActionJsonConverter : JsonConverter<NccoAction>
{
    /// <inheritdoc />
    public override bool CanConvert(Type typeToConvert) => typeof(NccoAction).IsAssignableFrom(typeToConvert);

    /// <inheritdoc />
    public override NccoAction Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        using var wrapped = JsonDocument.Parse("[" + document.RootElement.GetRawText() + "]");
        var result = NccoParser.Parse(wrapped.RootElement);
        return result.Document?.Actions[0] ?? throw new JsonException("Invalid NCCO action: " + string.Join("; ", result.Errors));
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, NccoAction value, JsonSerializerOptions options) => NccoWriter.WriteAction(writer, value);
}

/// <summary>System.Text.Json support for a <see cref="CallEndpoint"/> (written in the NCCO spelling).</summary>
public sealed class EndpointJsonConverter : JsonConverter<CallEndpoint>
{
    /// <inheritdoc />
    public override bool CanConvert(Type typeToConvert) => typeof(CallEndpoint).IsAssignableFrom(typeToConvert);

    /// <inheritdoc />
    public override CallEndpoint Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var connect = "[{\"action\":\"connect\",\"endpoint\":[" + document.RootElement.GetRawText() + "]}]";
        var result = NccoParser.Parse(connect);
        return (result.Document?.Actions[0] as ConnectAction)?.Endpoint
            ?? throw new JsonException("Invalid endpoint: " + string.Join("; ", result.Errors.Select(e => e.ToString().Replace("/0/endpoint/0", string.Empty, StringComparison.Ordinal))));
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, CallEndpoint value, JsonSerializerOptions options) => NccoWriter.WriteEndpoint(writer, value);
}
