using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>
/// Issue 16: a REST request must never answer 500 for bad input. Seeded, bounded mutations of valid bodies for
/// <c>POST /v1/calls</c>, <c>PUT /v1/calls/{uuid}</c>, <c>POST /v2/applications</c> and <c>PUT /v2/applications/{id}</c>
/// — bytes broken (truncation, invalid UTF-8, lone surrogates, NUL), values of the wrong type, out-of-range and
/// enormous numbers, huge strings, deep nesting, missing and repeated members — each must get a 2xx or a 4xx
/// whose JSON body names the problem. At the end every call the fuzz created is hung up and
/// <c>ncco_calls_active</c> must return to zero (the gauge-leak check).
/// </summary>
public sealed class RestFuzzTests
{
    private const int Seed = 16_2026;
    private const int MutationsPerSeed = 60;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    private static readonly string[] CallSeeds =
    [
        """{"to":[{"type":"phone","number":"447700900001"}],"from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"talk","text":"hello","loop":1,"level":0.5},{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":2,"timeOut":3}}],"length_timer":60,"ringing_timer":30}""",
        """{"to":[{"type":"websocket","uri":"ws://127.0.0.1:9/x","content-type":"audio/l16;rate=16000","headers":{"a":"b"}}],"from":{"type":"phone","number":"447700900000"},"answer_url":["https://127.0.0.1:9/answer"],"event_url":["https://127.0.0.1:9/event"],"machine_detection":"continue"}""",
        """{"to":[{"type":"sip","uri":"sip:bob@127.0.0.1:9"}],"from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"stream","streamUrl":["https://127.0.0.1:9/a.mp3"],"loop":2},{"action":"record","format":"wav","endOnKey":"#","timeOut":30}]}""",
    ];

    private static readonly string[] ModifySeeds =
    [
        """{"action":"hangup"}""",
        """{"action":"mute"}""",
        """{"action":"transfer","destination":{"type":"ncco","ncco":[{"action":"talk","text":"moved"}]}}""",
        """{"action":"transfer","destination":{"type":"ncco","url":["https://127.0.0.1:9/ncco"]}}""",
    ];

    private static readonly string[] ApplicationSeeds =
    [
        """{"name":"fuzz app","capabilities":{"voice":{"webhooks":{"answer_url":{"address":"https://127.0.0.1:9/answer","http_method":"GET","connect_timeout":1000,"socket_timeout":5000},"event_url":{"address":"https://127.0.0.1:9/event","http_method":"POST"}},"signed_callbacks":true,"conversations_ttl":48}}}""",
        """{"name":"fuzz keys","keys":{"public_key":"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"}}""",
    ];

    [Fact]
    public async Task Every_mutated_request_gets_a_2xx_or_a_4xx_naming_the_problem_and_no_call_is_left_counted()
    {
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");
        var random = new Random(Seed);
        var deadline = DateTime.UtcNow + Budget;
        var failures = new List<string>();
        var created = new List<string>();
        var count = 0;

        // A call to modify, and an application to replace.
        var target = await h.CreateCallAsync(new object[] { new { action = "talk", text = "hold", loop = 0 } });
        created.Add(target);
        var app = JsonDocument.Parse(await (await SendAsync(h, HttpMethod.Post, "/v2/applications", ApplicationSeeds[0], basic: true)).Content.ReadAsStringAsync())
            .RootElement.GetProperty("id").GetString()!;

        async Task RunAsync(HttpMethod method, Func<string> path, string[] seeds, bool basic)
        {
            foreach (var seed in seeds)
            {
                for (var i = 0; i < MutationsPerSeed && DateTime.UtcNow < deadline; i++)
                {
                    var (bytes, what) = Mutate(seed, random);
                    count++;
                    using var response = await SendAsync(h, method, path(), bytes, basic);
                    var text = await response.Content.ReadAsStringAsync();
                    var status = (int)response.StatusCode;
                    if (status >= 500 || (status >= 400 && !NamesTheProblem(text)))
                    {
                        failures.Add($"{method} {path()} [{what}] -> {status} {Truncate(text)} for {Truncate(Encoding.UTF8.GetString(bytes))}");
                    }
                    else if (status == 201 && method == HttpMethod.Post && path() == "/v1/calls" && JsonNode.Parse(text)?["uuid"]?.GetValue<string>() is { } uuid)
                    {
                        created.Add(uuid);
                    }
                }
            }
        }

        await RunAsync(HttpMethod.Post, () => "/v1/calls", CallSeeds, basic: false);
        await RunAsync(HttpMethod.Put, () => "/v1/calls/" + target, ModifySeeds, basic: false);
        await RunAsync(HttpMethod.Post, () => "/v2/applications", ApplicationSeeds, basic: true);
        await RunAsync(HttpMethod.Put, () => "/v2/applications/" + app, ApplicationSeeds, basic: true);

        Assert.True(failures.Count == 0, $"{failures.Count} of {count} mutations were answered badly:\n" + string.Join("\n", failures.Take(25)));
        Assert.True(count >= 200, $"only {count} mutations ran within the budget");

        foreach (var uuid in created) await SendAsync(h, HttpMethod.Put, "/v1/calls/" + uuid, Encoding.UTF8.GetBytes("""{"action":"hangup"}"""), basic: false);
        var settle = DateTime.UtcNow.AddSeconds(30);
        string metrics;
        while (!(metrics = await h.Host.Client.GetStringAsync("/metrics")).Contains("ncco_calls_active 0\n", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < settle, "ncco_calls_active did not return to 0 after every call was hung up:\n" + metrics);
            await Task.Delay(100);
        }
    }

    private static readonly string[] NccoSeeds =
    [
        """[{"action":"talk","text":"hello","loop":2,"level":0.5,"bargeIn":true},{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":2,"timeOut":1}}]""",
        """[{"action":"stream","streamUrl":["https://127.0.0.1:9/a.mp3"],"loop":1},{"action":"record","format":"wav","timeOut":3,"endOnSilence":3}]""",
        """[{"action":"conversation","name":"room","startOnEnter":true,"record":false},{"action":"notify","payload":{"a":1},"eventUrl":["https://127.0.0.1:9/n"]}]""",
        """[{"action":"connect","endpoint":[{"type":"phone","number":"447700900009"}],"timeout":5,"limit":60}]""",
    ];

    /// <summary>
    /// The answer webhook's side: every call gets a mutated NCCO (broken bytes, wrong types, out-of-range numbers,
    /// huge and deep documents). Whatever the app answers, each call ends — an error event or its NCCO run — and no
    /// call stays counted once they are all hung up.
    /// </summary>
    [Fact]
    public async Task Every_mutated_answer_ends_its_call_and_the_active_gauge_returns_to_zero()
    {
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");
        var random = new Random(Seed + 1);
        var gate = new object();
        h.App.Handle("/answer", async c =>
        {
            byte[] body;
            lock (gate) body = Mutate(NccoSeeds[random.Next(NccoSeeds.Length)], random).Bytes;
            c.Response.ContentType = "application/json";
            await c.Response.Body.WriteAsync(body);
        });
        var deadline = DateTime.UtcNow + Budget;
        var created = new List<string>();
        for (var i = 0; i < 120 && DateTime.UtcNow < deadline; i++)
        {
            using var response = await SendAsync(h, HttpMethod.Post, "/v1/calls",
                $$"""{"to":[{"type":"phone","number":"4477009{{i:D5}}"}],"from":{"type":"phone","number":"447700900000"},"answer_url":["{{h.App.Url("answer")}}"]}""", basic: false);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == 201, $"POST /v1/calls: {(int)response.StatusCode} {text}");
            created.Add(JsonDocument.Parse(text).RootElement.GetProperty("uuid").GetString()!);
        }
        Assert.True(created.Count >= 50, $"only {created.Count} calls within the budget");
        // Let the answers arrive and the NCCOs start, then hang up whatever is still up.
        await Task.Delay(TimeSpan.FromSeconds(3));
        foreach (var uuid in created) await SendAsync(h, HttpMethod.Put, "/v1/calls/" + uuid, Encoding.UTF8.GetBytes("""{"action":"hangup"}"""), basic: false);
        var settle = DateTime.UtcNow.AddSeconds(30);
        string metrics;
        while (!(metrics = await h.Host.Client.GetStringAsync("/metrics")).Contains("ncco_calls_active 0\n", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < settle, "ncco_calls_active did not return to 0 after every call was hung up:\n" + metrics);
            await Task.Delay(100);
        }
        foreach (var uuid in created)
        {
            var status = JsonDocument.Parse(await (await SendAsync(h, HttpMethod.Get, "/v1/calls/" + uuid, [], basic: false)).Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString();
            Assert.True(status is "completed" or "failed" or "cancelled" or "rejected" or "unanswered" or "busy" or "timeout", $"call {uuid} left {status}");
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(VoiceApiHarness h, HttpMethod method, string path, string json, bool basic) =>
        await SendAsync(h, method, path, Encoding.UTF8.GetBytes(json), basic);

    private static async Task<HttpResponseMessage> SendAsync(VoiceApiHarness h, HttpMethod method, string path, byte[] body, bool basic)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (!basic) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", h.Token());
        return await h.Host.Client.SendAsync(request);
    }

    /// <summary>A 4xx names its problem: a JSON object with a non-empty title/detail or invalid_parameters.</summary>
    private static bool NamesTheProblem(string text)
    {
        try
        {
            var root = JsonDocument.Parse(text).RootElement;
            return root.ValueKind == JsonValueKind.Object
                && ((root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String && d.GetString()!.Length > 0)
                    || (root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String && t.GetString()!.Length > 0)
                    || root.TryGetProperty("invalid_parameters", out _));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";

    private static (byte[] Bytes, string What) Mutate(string seed, Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(seed);
        switch (random.Next(12))
        {
            case 0:
                return (bytes[..random.Next(bytes.Length)], "truncated");
            case 1:
            {
                var b = (byte[])bytes.Clone();
                b[random.Next(b.Length)] = (byte)random.Next(256);
                return (b, "byte flipped");
            }
            case 2:
                return (InsertInString(seed, random, [0xC3, 0x28]), "invalid UTF-8");
            case 3:
                return (Encoding.UTF8.GetBytes(ReplaceAString(seed, random, "\\ud800")), "lone surrogate");
            case 4:
                return (Encoding.UTF8.GetBytes(ReplaceAString(seed, random, "a\\u0000b")), "NUL");
            case 5:
                return (Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)), "deep nesting");
            case 6:
                return (Encoding.UTF8.GetBytes(ReplaceAString(seed, random, new string('x', 200_000))), "huge string");
            default:
            {
                var node = JsonNode.Parse(seed)!;
                var what = MutateTree(node, random);
                return (Encoding.UTF8.GetBytes(node.ToJsonString()), what);
            }
        }
    }

    private static readonly Func<JsonNode?>[] Replacements =
    [
        () => null, () => JsonValue.Create(true), () => JsonValue.Create(-1), () => JsonValue.Create(2147483648L),
        () => JsonValue.Create(1e300), () => JsonValue.Create(0.5), () => JsonValue.Create(""), () => JsonValue.Create("not-a-thing"),
        () => new JsonArray(), () => new JsonObject(), () => new JsonArray(JsonValue.Create(1), JsonValue.Create("x")),
        () => JsonValue.Create(long.MinValue), () => new JsonObject { ["unexpected"] = new JsonArray() },
    ];

    /// <summary>Replaces, removes or adds one member somewhere in the tree.</summary>
    private static string MutateTree(JsonNode root, Random random)
    {
        var containers = new List<JsonNode>();
        void Walk(JsonNode? n)
        {
            if (n is JsonObject o) { containers.Add(o); foreach (var (_, v) in o.ToList()) Walk(v); }
            else if (n is JsonArray a) { containers.Add(a); foreach (var v in a.ToList()) Walk(v); }
        }
        Walk(root);
        var container = containers[random.Next(containers.Count)];
        if (container is JsonObject obj && obj.Count > 0)
        {
            var key = obj.ElementAt(random.Next(obj.Count)).Key;
            if (random.Next(4) == 0)
            {
                obj.Remove(key);
                return "removed " + key;
            }
            obj[key] = Replacements[random.Next(Replacements.Length)]();
            return "replaced " + key;
        }
        if (container is JsonArray arr && arr.Count > 0)
        {
            arr[random.Next(arr.Count)] = Replacements[random.Next(Replacements.Length)]();
            return "replaced an item";
        }
        return "unchanged";
    }

    private static string ReplaceAString(string seed, Random random, string escapedValue)
    {
        // Replace the contents of one string value (not a member name) with the raw JSON text given.
        var positions = new List<(int Start, int End)>();
        for (var i = 0; i < seed.Length; i++)
        {
            if (seed[i] != '"') continue;
            var end = seed.IndexOf('"', i + 1);
            if (end < 0) break;
            if (end + 1 < seed.Length && seed[end + 1] != ':') positions.Add((i + 1, end));
            i = end;
        }
        if (positions.Count == 0) return seed;
        var (s, e) = positions[random.Next(positions.Count)];
        return seed[..s] + escapedValue + seed[e..];
    }

    private static byte[] InsertInString(string seed, Random random, byte[] raw)
    {
        var marker = ReplaceAString(seed, random, "\u0001");
        var at = Encoding.UTF8.GetBytes(marker);
        var index = Array.IndexOf(at, (byte)1);
        return index < 0 ? at : [.. at[..index], .. raw, .. at[(index + 1)..]];
    }
}
