using System.Text.Json;
using Ncco.Control;
using Ncco.Host.Errors;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Serialization;

namespace Ncco.Host.Rest;

/// <summary>What <c>PUT /v1/calls/{uuid}</c> asks for (reference §3.6).</summary>
/// <param name="Action"><c>hangup</c>, <c>mute</c>, <c>unmute</c>, <c>earmuff</c>, <c>unearmuff</c> or <c>transfer</c>.</param>
internal sealed record ModifyCall(string Action)
{
    /// <summary>Transfer to this inline NCCO.</summary>
    public NccoDocument? Ncco { get; init; }

    /// <summary>Transfer to the NCCO at this URL.</summary>
    public Uri? Url { get; init; }
}

/// <summary>Reads the bodies of the live-call control operations, reporting every invalid field with its REST name.</summary>
internal static class ControlBodies
{
    private static readonly string[] Actions = ["hangup", "mute", "unmute", "earmuff", "unearmuff", "transfer"];

    public static ModifyCall? ReadModify(JsonElement body, List<InvalidParameter> errors, RestNccoCheck? check = null)
    {
        if (!RequireObject(body, errors)) return null;
        if (!body.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.String || !Actions.Contains(action.GetString()))
        {
            errors.Add(new("action", "must be one of " + string.Join(", ", Actions)));
            return null;
        }
        var name = action.GetString()!;
        if (name != "transfer") return new ModifyCall(name);

        if (!body.TryGetProperty("destination", out var destination) || destination.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("destination", "is required for transfer: {\"type\":\"ncco\", \"url\":[…]} or {\"type\":\"ncco\", \"ncco\":[…]}"));
            return null;
        }
        if (!destination.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "ncco")
        {
            errors.Add(new("destination.type", "must be \"ncco\""));
        }
        var hasNcco = destination.TryGetProperty("ncco", out var nccoElement) && nccoElement.ValueKind != JsonValueKind.Null;
        var hasUrl = destination.TryGetProperty("url", out var urlElement) && urlElement.ValueKind != JsonValueKind.Null;
        if (hasNcco == hasUrl)
        {
            errors.Add(new("destination", "needs exactly one of url and ncco"));
            return null;
        }
        if (hasUrl)
        {
            var url = CreateCallBody.Url(destination, "url", errors);
            if (errors.Count > 0) { RenameLast(errors, "url", "destination.url"); return null; }
            return new ModifyCall(name) { Url = url };
        }
        var parsed = NccoParser.Parse(nccoElement, check?.Validation);
        foreach (var e in parsed.Errors) errors.Add(new("destination.ncco" + PointerPath.Suffix(e.Pointer), e.Message));
        check?.AddWarnings("destination.ncco", parsed.Warnings);
        return errors.Count > 0 ? null : new ModifyCall(name) { Ncco = parsed.Document };
    }

    /// <summary><c>PUT …/talk</c>: <c>text</c>, <c>language</c>, <c>style</c>, <c>premium</c>, <c>voice_name</c>, <c>loop</c>, <c>level</c>.</summary>
    public static TalkRequest? ReadTalk(JsonElement body, List<InvalidParameter> errors)
    {
        if (!RequireObject(body, errors)) return null;
        var fields = new List<WrappedActionCheck.Field>();
        if (!body.TryGetProperty("text", out var text)) errors.Add(new("text", "is required"));
        else fields.Add(new("text", "text", text));
        foreach (var (rest, ncco) in (ReadOnlySpan<(string, string)>)[("language", "language"), ("style", "style"), ("premium", "premium"), ("voice_name", "voiceName"), ("loop", "loop"), ("level", "level")])
        {
            if (body.TryGetProperty(rest, out var value) && value.ValueKind != JsonValueKind.Null) fields.Add(new(ncco, rest, Numeric(value)));
        }
        if (errors.Count > 0) return null;
        if (WrappedActionCheck.Check("talk", fields, errors) is not TalkAction talk) return null;
        return new TalkRequest(talk.Text) { Language = talk.Language, Style = talk.Style, Premium = talk.Premium, Loop = talk.Loop, Level = talk.Level };
    }

    /// <summary><c>PUT …/stream</c>: <c>stream_url</c>, <c>loop</c>, <c>level</c>.</summary>
    public static StreamRequest? ReadStream(JsonElement body, List<InvalidParameter> errors)
    {
        if (!RequireObject(body, errors)) return null;
        var fields = new List<WrappedActionCheck.Field>();
        if (!body.TryGetProperty("stream_url", out var url)) errors.Add(new("stream_url", "is required"));
        else fields.Add(url.ValueKind == JsonValueKind.String ? new("streamUrl", "stream_url", url, AsArrayItem: true) : new("streamUrl", "stream_url", url));
        foreach (var name in (ReadOnlySpan<string>)["loop", "level"])
        {
            if (body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null) fields.Add(new(name, name, Numeric(value)));
        }
        if (errors.Count > 0) return null;
        if (WrappedActionCheck.Check("stream", fields, errors) is not StreamAction stream) return null;
        return new StreamRequest(stream.StreamUrl) { Loop = stream.Loop, Level = stream.Level };
    }

    /// <summary><c>PUT …/dtmf</c>: <c>digits</c> of <c>0-9 * #</c> and <c>p</c> (500 ms pause).</summary>
    public static string? ReadDtmf(JsonElement body, List<InvalidParameter> errors)
    {
        if (!RequireObject(body, errors)) return null;
        if (body.TryGetProperty("digits", out var digits) && digits.ValueKind == JsonValueKind.String
            && digits.GetString() is { Length: > 0 and <= 256 } s && s.All(c => char.IsAsciiDigit(c) || c is '*' or '#' or 'p' or 'P'))
        {
            return s;
        }
        errors.Add(new("digits", "must be 1 to 256 characters of 0-9, *, # and p (a 500 ms pause)"));
        return null;
    }

    /// <summary><c>PUT …/input/dtmf</c>: <c>event_url</c>, a one-element URL array.</summary>
    public static Uri? ReadDtmfSubscription(JsonElement body, List<InvalidParameter> errors)
    {
        if (!RequireObject(body, errors)) return null;
        if (!body.TryGetProperty("event_url", out _))
        {
            errors.Add(new("event_url", "is required"));
            return null;
        }
        return CreateCallBody.Url(body, "event_url", errors);
    }

    private static bool RequireObject(JsonElement body, List<InvalidParameter> errors)
    {
        if (body.ValueKind == JsonValueKind.Object) return true;
        errors.Add(new("body", "must be a JSON object"));
        return false;
    }

    /// <summary>The OAS types <c>level</c> as a string (<c>"0.5"</c>) while SDKs send numbers: a numeric string becomes a number.</summary>
    private static JsonElement Numeric(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d))
        {
            return JsonSerializer.SerializeToElement(d);
        }
        return value;
    }

    private static void RenameLast(List<InvalidParameter> errors, string from, string to)
    {
        var last = errors[^1];
        if (last.Name == from) errors[^1] = last with { Name = to };
    }
}
