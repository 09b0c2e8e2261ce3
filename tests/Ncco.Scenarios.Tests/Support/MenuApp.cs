using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ncco.Scenarios.Tests.Support;

/// <summary>
/// A small IVR on loopback HTTP (Kestrel, port 0), like an app in any language: a menu (1 sales, connected to
/// 447700900099 with a voicemail fallback when busy; 2 support by speech), and an event webhook that answers 204.
/// <paramref name="greeting"/> lets a test plant a mistake.
/// </summary>
internal sealed class MenuApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MenuApp(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<MenuApp> StartAsync(string greeting = "Welcome to Acme.")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("MENUAPP_LOG") is not null) builder.Logging.AddConsole();
        var app = builder.Build();
        app.MapGet("/webhooks/answer", (HttpRequest r) => Json(
            new JsonObject { ["action"] = "talk", ["text"] = $"{greeting} Press 1 for sales, or say support." },
            new JsonObject
            {
                ["action"] = "input",
                ["type"] = new JsonArray("dtmf", "speech"),
                ["dtmf"] = new JsonObject { ["maxDigits"] = 1 },
                ["speech"] = new JsonObject { ["context"] = new JsonArray("support") },
                ["eventUrl"] = new JsonArray(Url(r, "/webhooks/menu")),
            }));
        app.MapPost("/webhooks/menu", async (HttpRequest r) =>
        {
            var body = await JsonNode.ParseAsync(r.Body);
            var digits = body?["dtmf"]?["digits"]?.GetValue<string>();
            var speech = body?["speech"]?["results"] is JsonArray { Count: > 0 } results ? results[0]?["text"]?.GetValue<string>() : null;
            if (digits == "1")
            {
                return Json(
                    new JsonObject { ["action"] = "talk", ["text"] = "Connecting you to sales." },
                    new JsonObject
                    {
                        ["action"] = "connect",
                        ["timeout"] = 20,
                        ["eventType"] = "synchronous",
                        ["eventUrl"] = new JsonArray(Url(r, "/webhooks/connect")),
                        ["endpoint"] = new JsonArray(new JsonObject { ["type"] = "phone", ["number"] = "447700900099" }),
                    });
            }
            if (speech is not null && speech.Contains("support", StringComparison.OrdinalIgnoreCase))
            {
                return Json(new JsonObject { ["action"] = "talk", ["text"] = "Support is closed today. Goodbye." });
            }
            return Json(new JsonObject { ["action"] = "talk", ["text"] = "Sorry, I did not get that. Goodbye." });
        });
        app.MapPost("/webhooks/connect", async (HttpRequest r) =>
        {
            var body = await JsonNode.ParseAsync(r.Body);
            var status = body?["status"]?.GetValue<string>();
            return status is "busy" or "timeout" or "failed" or "rejected" or "unanswered"
                ? Json(new JsonObject { ["action"] = "talk", ["text"] = "Sales is busy. Please leave a message after the tone." },
                       new JsonObject { ["action"] = "record", ["beepStart"] = true, ["endOnSilence"] = 3, ["eventUrl"] = new JsonArray(Url(r, "/webhooks/recording")) })
                : Results.NoContent();
        });
        app.MapPost("/webhooks/recording", () => Results.NoContent());
        app.MapPost("/webhooks/event", () => Results.NoContent());
        await app.StartAsync();
        return new MenuApp(app) { BaseUrl = new Uri(app.Urls.First() + "/") };
    }

    private static string Url(HttpRequest r, string path) => $"{r.Scheme}://{r.Host}{path}";

    private static IResult Json(params JsonObject[] actions) =>
        Results.Content(new JsonArray(actions).ToJsonString(JsonSerializerOptions.Default), "application/json");

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
