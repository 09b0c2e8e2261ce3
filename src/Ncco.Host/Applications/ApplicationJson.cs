using System.Text.Json;
using Ncco.Host.Errors;

namespace Ncco.Host.Applications;

/// <summary>
/// Reads and writes the Applications API v2 wire format. Reading is liberal (both <c>connect_timeout</c> and the older
/// <c>connection_timeout</c>, numbers as strings) and reports every invalid field at once with its dotted name;
/// writing uses the documented spelling.
/// </summary>
public static class ApplicationJson
{
    private static readonly string[] Regions = ["na-east", "na-west", "eu-east", "eu-west", "apac-sng", "apac-australia"];

    /// <summary>The fields of a create/update request, before an id and key are assigned.</summary>
    /// <param name="Name">The application name.</param>
    /// <param name="PublicKey">A supplied PEM public key, or null to have one generated.</param>
    /// <param name="Voice">The voice capability, if any.</param>
    /// <param name="ImproveAi">privacy.improve_ai.</param>
    /// <param name="OtherCapabilities">Non-voice capabilities, verbatim.</param>
    public sealed record Request(string Name, string? PublicKey, VoiceCapability? Voice, bool ImproveAi, JsonElement? OtherCapabilities);

    /// <summary>Reads a request body; returns null and fills <paramref name="errors"/> when anything is invalid.</summary>
    public static Request? ReadRequest(JsonElement body, List<InvalidParameter> errors)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("body", "must be a JSON object"));
            return null;
        }

        string? name = null;
        if (!body.TryGetProperty("name", out var nameElement))
            errors.Add(new("name", "is required"));
        else if (nameElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(nameElement.GetString()))
            errors.Add(new("name", "must be a non-empty string"));
        else
            name = nameElement.GetString();

        string? publicKey = null;
        if (body.TryGetProperty("keys", out var keys))
        {
            if (keys.ValueKind != JsonValueKind.Object) errors.Add(new("keys", "must be an object"));
            else if (keys.TryGetProperty("public_key", out var key))
            {
                if (key.ValueKind != JsonValueKind.String || !KeyPair.IsRsaPublicKey(key.GetString()!))
                    errors.Add(new("keys.public_key", "must be a PEM-encoded RSA public key"));
                else
                    publicKey = key.GetString();
            }
        }

        VoiceCapability? voice = null;
        JsonElement? others = null;
        if (body.TryGetProperty("capabilities", out var capabilities))
        {
            if (capabilities.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new("capabilities", "must be an object"));
            }
            else
            {
                if (capabilities.TryGetProperty("voice", out var voiceElement)) voice = ReadVoice(voiceElement, errors);
                others = WithoutVoice(capabilities);
            }
        }

        var improveAi = true;
        if (body.TryGetProperty("privacy", out var privacy))
        {
            if (privacy.ValueKind != JsonValueKind.Object) errors.Add(new("privacy", "must be an object"));
            else if (privacy.TryGetProperty("improve_ai", out var improve) && !TryBool(improve, out improveAi))
                errors.Add(new("privacy.improve_ai", "must be true or false"));
        }

        return errors.Count == 0 ? new Request(name!, publicKey, voice, improveAi, others) : null;
    }

    private static VoiceCapability? ReadVoice(JsonElement voice, List<InvalidParameter> errors)
    {
        const string prefix = "capabilities.voice";
        if (voice.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(prefix, "must be an object"));
            return null;
        }
        Webhook? answer = null, fallback = null, @event = null;
        if (voice.TryGetProperty("webhooks", out var webhooks))
        {
            if (webhooks.ValueKind != JsonValueKind.Object) errors.Add(new(prefix + ".webhooks", "must be an object"));
            else
            {
                answer = ReadWebhook(webhooks, "answer_url", 5000, errors);
                fallback = ReadWebhook(webhooks, "fallback_answer_url", 5000, errors);
                @event = ReadWebhook(webhooks, "event_url", 10000, errors);
            }
        }

        var capability = new VoiceCapability { AnswerUrl = answer, FallbackAnswerUrl = fallback, EventUrl = @event };
        if (voice.TryGetProperty("signed_callbacks", out var signed))
        {
            if (TryBool(signed, out var value)) capability = capability with { SignedCallbacks = value };
            else errors.Add(new(prefix + ".signed_callbacks", "must be true or false"));
        }
        if (voice.TryGetProperty("conversations_ttl", out var ttl))
        {
            // OAS: 1–9000 hours; Java/Node document 0 as "never expires": accept both readings.
            if (TryInt(ttl, out var hours) && hours is >= 0 and <= 9000) capability = capability with { ConversationsTtl = hours };
            else errors.Add(new(prefix + ".conversations_ttl", "must be a whole number of hours from 0 to 9000"));
        }
        if (voice.TryGetProperty("leg_persistence_time", out var persistence))
        {
            if (TryInt(persistence, out var days) && days is >= 1 and <= 31) capability = capability with { LegPersistenceTime = days };
            else errors.Add(new(prefix + ".leg_persistence_time", "must be a whole number of days from 1 to 31"));
        }
        if (voice.TryGetProperty("region", out var region))
        {
            if (region.ValueKind == JsonValueKind.String && Regions.Contains(region.GetString())) capability = capability with { Region = region.GetString() };
            else errors.Add(new(prefix + ".region", "must be one of: " + string.Join(", ", Regions)));
        }
        if (voice.TryGetProperty("payment_enabled", out var payment))
        {
            if (TryBool(payment, out var enabled)) capability = capability with { PaymentEnabled = enabled };
            else errors.Add(new(prefix + ".payment_enabled", "must be true or false"));
        }
        if (voice.TryGetProperty("payments", out var payments))
        {
            if (payments.ValueKind != JsonValueKind.Object) errors.Add(new(prefix + ".payments", "must be an object like {\"gateways\":[]}"));
            else if (payments.TryGetProperty("gateways", out var gateways) && gateways.ValueKind != JsonValueKind.Array)
                errors.Add(new(prefix + ".payments.gateways", "must be an array"));
        }
        return capability with { OtherMembers = Except(voice, KnownVoiceMembers) };
    }

    private static readonly string[] KnownVoiceMembers =
        ["webhooks", "signed_callbacks", "conversations_ttl", "leg_persistence_time", "region", "payment_enabled"];

    private static Webhook? ReadWebhook(JsonElement webhooks, string name, int maxSocketTimeout, List<InvalidParameter> errors)
    {
        var prefix = "capabilities.voice.webhooks." + name;
        if (!webhooks.TryGetProperty(name, out var hook)) return null;
        if (hook.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(prefix, "must be an object with address and http_method"));
            return null;
        }
        var before = errors.Count;

        Uri? address = null;
        if (!hook.TryGetProperty("address", out var addressElement)) errors.Add(new(prefix + ".address", "is required"));
        else if (addressElement.ValueKind != JsonValueKind.String
                 || !Uri.TryCreate(addressElement.GetString(), UriKind.Absolute, out address)
                 || address.Scheme is not ("http" or "https"))
            errors.Add(new(prefix + ".address", "must be an absolute http:// or https:// URL"));

        var method = name == "event_url" ? "POST" : "GET";
        if (hook.TryGetProperty("http_method", out var methodElement))
        {
            if (methodElement.ValueKind == JsonValueKind.String && methodElement.GetString() is "GET" or "POST") method = methodElement.GetString()!;
            else errors.Add(new(prefix + ".http_method", "must be one of: GET, POST"));
        }

        int? connectTimeout = null;
        var connectName = hook.TryGetProperty("connect_timeout", out var connect) ? "connect_timeout"
            : hook.TryGetProperty("connection_timeout", out connect) ? "connection_timeout" : null;
        if (connectName is not null)
        {
            if (TryInt(connect, out var ms) && ms is >= 300 and <= 1000) connectTimeout = ms;
            else errors.Add(new(prefix + "." + connectName, "must be a whole number of milliseconds from 300 to 1000"));
        }

        int? socketTimeout = null;
        if (hook.TryGetProperty("socket_timeout", out var socket))
        {
            if (TryInt(socket, out var ms) && ms >= 1000 && ms <= maxSocketTimeout) socketTimeout = ms;
            else errors.Add(new(prefix + ".socket_timeout", $"must be a whole number of milliseconds from 1000 to {maxSocketTimeout}"));
        }

        return errors.Count == before ? new Webhook(address!, method) { ConnectTimeout = connectTimeout, SocketTimeout = socketTimeout } : null;
    }

    /// <summary>Writes an application as the API returns it; <paramref name="privateKey"/> is included once, on create.</summary>
    public static void Write(Utf8JsonWriter w, Application application, string? privateKey = null)
    {
        w.WriteStartObject();
        w.WriteString("id", application.Id);
        w.WriteString("name", application.Name);
        w.WriteStartObject("keys");
        w.WriteString("public_key", application.PublicKey);
        if (privateKey is not null) w.WriteString("private_key", privateKey);
        w.WriteEndObject();

        w.WriteStartObject("capabilities");
        if (application.Voice is { } voice)
        {
            w.WriteStartObject("voice");
            w.WriteStartObject("webhooks");
            WriteWebhook(w, "answer_url", voice.AnswerUrl);
            WriteWebhook(w, "fallback_answer_url", voice.FallbackAnswerUrl);
            WriteWebhook(w, "event_url", voice.EventUrl);
            w.WriteEndObject();
            w.WriteBoolean("signed_callbacks", voice.SignedCallbacks);
            w.WriteNumber("conversations_ttl", voice.ConversationsTtl);
            if (voice.LegPersistenceTime is { } days) w.WriteNumber("leg_persistence_time", days);
            if (voice.Region is { } region) w.WriteString("region", region);
            w.WriteBoolean("payment_enabled", voice.PaymentEnabled);
            if (voice.OtherMembers is { } unknown)
            {
                foreach (var member in unknown.EnumerateObject()) member.WriteTo(w);
            }
            w.WriteEndObject();
        }
        if (application.OtherCapabilities is { } others)
        {
            foreach (var capability in others.EnumerateObject()) capability.WriteTo(w);
        }
        w.WriteEndObject();

        w.WriteStartObject("privacy");
        w.WriteBoolean("improve_ai", application.ImproveAi);
        w.WriteEndObject();

        w.WriteStartObject("_links");
        w.WriteStartObject("self");
        w.WriteString("href", "/v2/applications/" + application.Id);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The application as a standalone JSON string (for storage).</summary>
    public static string Serialize(Application application)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) Write(writer, application);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads an application stored with <see cref="Serialize"/>.</summary>
    public static Application Deserialize(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var errors = new List<InvalidParameter>();
        var request = ReadRequest(root, errors)
            ?? throw new InvalidDataException("Stored application is invalid: " + string.Join("; ", errors.Select(e => e.Name + " " + e.Reason)));
        return new Application(root.GetProperty("id").GetString()!, request.Name, request.PublicKey!)
        {
            Voice = request.Voice,
            ImproveAi = request.ImproveAi,
            OtherCapabilities = request.OtherCapabilities,
        };
    }

    private static void WriteWebhook(Utf8JsonWriter w, string name, Webhook? hook)
    {
        if (hook is null) return;
        w.WriteStartObject(name);
        w.WriteString("address", hook.Address.OriginalString);
        w.WriteString("http_method", hook.HttpMethod);
        if (hook.ConnectTimeout is { } connect) w.WriteNumber("connect_timeout", connect);
        if (hook.SocketTimeout is { } socket) w.WriteNumber("socket_timeout", socket);
        w.WriteEndObject();
    }

    private static JsonElement? WithoutVoice(JsonElement capabilities) => Except(capabilities, ["voice"]);

    /// <summary>The members of <paramref name="element"/> not named in <paramref name="known"/>, as a new object; null when there are none.</summary>
    private static JsonElement? Except(JsonElement element, string[] known)
    {
        using var stream = new MemoryStream();
        var any = false;
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var member in element.EnumerateObject())
            {
                if (known.Any(member.NameEquals)) continue;
                member.WriteTo(writer);
                any = true;
            }
            writer.WriteEndObject();
        }
        if (!any) return null;
        using var document = JsonDocument.Parse(stream.ToArray());
        return document.RootElement.Clone();
    }

    private static bool TryBool(JsonElement value, out bool result)
    {
        result = value.ValueKind == JsonValueKind.True || value.ValueKind == JsonValueKind.String && value.ValueEquals("true");
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
               || value.ValueKind == JsonValueKind.String && (value.ValueEquals("true") || value.ValueEquals("false"));
    }

    private static bool TryInt(JsonElement value, out int result)
    {
        result = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt32(out result),
            JsonValueKind.String => int.TryParse(value.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out result),
            _ => false,
        };
    }
}
