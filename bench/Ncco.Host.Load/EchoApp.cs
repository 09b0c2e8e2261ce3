using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ncco.Host.Load;

/// <summary>
/// <c>Ncco.Host.Load --echo-app</c>: the cheapest WebSocket application that still exercises both directions of a leg,
/// run as a process of its own so its CPU is not the host's. Every binary message is sent straight back from the
/// buffer it was received into (one <c>recv</c> and one <c>send</c> per 20 ms frame, no timer, no copy, nothing
/// allocated per frame); text messages are read and dropped. The host paces what it sends, so the echo comes back in
/// real time and the host's playback buffer holds a frame or two. Prints <c>echo-app ws://127.0.0.1:PORT/</c> and runs
/// until its standard input closes.
/// </summary>
/// <remarks>
/// The host's demo bot (<c>/demo/bot</c>, the bench's default <c>to</c>) runs inside the host's process and holds
/// every frame back for a second (one timer per batch), so its cost was counted as the host's.
/// </remarks>
internal static class EchoApp
{
    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await EchoAsync(socket, context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Urls.First();
        Console.WriteLine("echo-app " + address.Replace("http://", "ws://", StringComparison.Ordinal) + "/");
        Console.Out.Flush();
        // Runs until the bench (or the shell) closes our standard input, or until SIGTERM / Ctrl+C.
        var stopping = new TaskCompletionSource();
        using var registration = app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        await Task.WhenAny(Task.Run(() => Console.In.ReadToEnd()), stopping.Task);
        await app.StopAsync();
        return 0;
    }

    private static async Task EchoAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        try
        {
            while (true)
            {
                var r = await socket.ReceiveAsync(buffer.AsMemory(filled), cancellationToken);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }
                if (r.MessageType != WebSocketMessageType.Binary)
                {
                    filled = 0;
                    continue;
                }
                filled += r.Count;
                if (!r.EndOfMessage && filled < buffer.Length) continue;
                await socket.SendAsync(buffer.AsMemory(0, filled), WebSocketMessageType.Binary, WebSocketMessageFlags.EndOfMessage, CancellationToken.None);
                filled = 0;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The host hung up or the connection dropped: nothing to report.
        }
    }
}
