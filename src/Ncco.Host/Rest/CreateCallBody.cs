using System.Globalization;
using System.Text.Json;
using Ncco.Control;
using Ncco.Host.Errors;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Host.Rest;

/// <summary>
/// Reads the body of <c>POST /v1/calls</c> (reference §3.3) into a <see cref="CreateCallRequest"/>, reporting every
/// invalid field at once. <c>to</c>, the machine detection settings and <c>ncco</c> are checked by the NCCO rule table;
/// timers accept numeric strings (as older SDKs send them); <c>answer_url</c>/<c>event_url</c> accept a one-element
/// array (documented) or a plain string.
/// </summary>
internal static class CreateCallBody
{
    public static CreateCallRequest? Read(JsonElement body, List<InvalidParameter> errors, RestNccoCheck? check = null)
    {
        check ??= new RestNccoCheck(strict: false);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("body", "must be a JSON object"));
            return null;
        }

        ConnectAction? connect = null;
        if (!body.TryGetProperty("to", out var to)) errors.Add(new("to", "is required"));
        else if (to.ValueKind != JsonValueKind.Array || to.GetArrayLength() != 1) errors.Add(new("to", "must be an array with exactly one endpoint"));
        else
        {
            var fields = new List<WrappedActionCheck.Field> { new("endpoint", "to", to[0], AsArrayItem: true) };
            if (body.TryGetProperty("machine_detection", out var md)) fields.Add(new("machineDetection", "machine_detection", md));
            if (body.TryGetProperty("advanced_machine_detection", out var amd)) fields.Add(new("advancedMachineDetection", "advanced_machine_detection", amd));
            connect = WrappedActionCheck.Check("connect", fields, errors, check) as ConnectAction;
        }

        var random = false;
        if (body.TryGetProperty("random_from_number", out var randomElement))
        {
            if (randomElement.ValueKind is JsonValueKind.True or JsonValueKind.False) random = randomElement.GetBoolean();
            else if (randomElement.ValueKind == JsonValueKind.String && bool.TryParse(randomElement.GetString(), out var parsedRandom)) random = parsedRandom;
            else errors.Add(new("random_from_number", "must be true or false"));
        }
        string? from = null;
        if (body.TryGetProperty("from", out var fromElement) && fromElement.ValueKind != JsonValueKind.Null)
        {
            if (random) errors.Add(new("from", "must not be set together with random_from_number"));
            else if (fromElement.ValueKind != JsonValueKind.Object
                || !fromElement.TryGetProperty("type", out var fromType) || fromType.ValueKind != JsonValueKind.String || fromType.GetString() != "phone")
                errors.Add(new("from.type", "must be \"phone\""));
            else if (!fromElement.TryGetProperty("number", out var number) || number.ValueKind != JsonValueKind.String || number.GetString()!.Length is 0 or > 64)
                errors.Add(new("from.number", "must be a number in E.164 format or a SIP URI"));
            else from = number.GetString();
        }
        else if (!random)
        {
            errors.Add(new("from", "is required unless random_from_number is true"));
        }

        var hasNcco = body.TryGetProperty("ncco", out var nccoElement) && nccoElement.ValueKind != JsonValueKind.Null;
        var answerUrl = Url(body, "answer_url", errors);
        NccoDocument? ncco = null;
        var hasAnswer = body.TryGetProperty("answer_url", out var answerElement) && answerElement.ValueKind != JsonValueKind.Null;
        if (hasNcco == hasAnswer)
        {
            errors.Add(new("ncco", hasNcco ? "must not be set together with answer_url" : "is required unless answer_url is set"));
        }
        else if (hasNcco)
        {
            var parsed = NccoParser.Parse(nccoElement, check.Validation);
            if (parsed.Document is { } document) ncco = document;
            foreach (var e in parsed.Errors) errors.Add(new InvalidParameter("ncco" + PointerPath.Suffix(e.Pointer), e.Message));
            check.AddWarnings("ncco", parsed.Warnings);
        }

        var answerMethod = Method(body, "answer_method", WebhookMethod.Get, errors);
        var eventUrl = Url(body, "event_url", errors);
        var eventMethod = Method(body, "event_method", WebhookMethod.Post, errors);
        var lengthTimer = Int(body, "length_timer", 7200, 1, 86400, errors);
        var ringingTimer = Int(body, "ringing_timer", 60, 1, 120, errors);

        if (errors.Count > 0 || connect is null) return null;
        return new CreateCallRequest(connect.Endpoint)
        {
            From = from,
            RandomFromNumber = random,
            Ncco = ncco,
            AnswerUrl = answerUrl,
            AnswerMethod = answerMethod,
            EventUrl = eventUrl,
            EventMethod = eventMethod,
            MachineDetection = connect.MachineDetection,
            AdvancedMachineDetection = connect.AdvancedMachineDetection,
            LengthTimer = lengthTimer,
            RingingTimer = ringingTimer,
        };
    }

    /// <summary>A one-element URL array (or a string), absolute http(s).</summary>
    internal static Uri? Url(JsonElement body, string name, List<InvalidParameter> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Array when value.GetArrayLength() == 1 && value[0].ValueKind == JsonValueKind.String => value[0].GetString(),
            _ => null,
        };
        if (text is not null && Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)) return uri;
        errors.Add(new(name, "must be an array holding one absolute http(s) URL"));
        return null;
    }

    private static WebhookMethod Method(JsonElement body, string name, WebhookMethod fallback, List<InvalidParameter> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        if (value.ValueKind == JsonValueKind.String)
        {
            if (string.Equals(value.GetString(), "GET", StringComparison.OrdinalIgnoreCase)) return WebhookMethod.Get;
            if (string.Equals(value.GetString(), "POST", StringComparison.OrdinalIgnoreCase)) return WebhookMethod.Post;
        }
        errors.Add(new(name, "must be GET or POST"));
        return fallback;
    }

    internal static int Int(JsonElement body, string name, int fallback, int min, int max, List<InvalidParameter> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= min && n <= max) return (int)n;
        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out n) && n >= min && n <= max) return (int)n;
        errors.Add(new(name, $"must be a whole number from {min} to {max}"));
        return fallback;
    }
}
