using System.Net.WebSockets;
using System.Text.Json;

namespace Ncco.Host.Browser;

/// <summary>
/// <c>/phone/ws</c>: the browser phone's WebSocket. The first text message must be
/// <c>{"action":"login","token":"&lt;user JWT&gt;"}</c> within <see cref="LoginTimeout"/>; a refused login is answered
/// with <c>{"event":"error","field":"token",…}</c> and the socket is closed with 1008 (policy violation). The page
/// itself is a static asset (<c>/phone</c>).
/// </summary>
public static class BrowserPhoneEndpoints
{
    /// <summary>How long a new socket may wait before signing in.</summary>
    public static readonly TimeSpan LoginTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Maps <c>/phone/ws</c>.</summary>
    public static IEndpointRouteBuilder MapBrowserPhone(this IEndpointRouteBuilder routes)
    {
        routes.Map("/phone/ws", ServeAsync).ExcludeFromDescription();
        return routes;
    }

    private static async Task ServeAsync(HttpContext http, UserJwtAuthenticator authenticator, BrowserPhone phone)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("The browser phone speaks WebSocket: open /phone in a browser.", http.RequestAborted);
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var (user, problem) = await LoginAsync(socket, authenticator, http.RequestAborted);
        if (user is null)
        {
            phone.Logger.SignInRefused(problem);
            var field = problem!.StartsWith("token", StringComparison.Ordinal) ? problem.Split(':')[0] : "action";
            await CloseAsync(socket, BrowserPhoneMessages.Error(field, problem), WebSocketCloseStatus.PolicyViolation, "sign-in refused");
            return;
        }
        var session = new BrowserPhoneSession(socket, user, phone, phone.Logger);
        session.Send(BrowserPhoneMessages.Ready(user));
        await phone.ServeAsync(session, http.RequestAborted);
    }

    private static async Task<(BrowserUser? User, string? Problem)> LoginAsync(WebSocket socket, UserJwtAuthenticator authenticator, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(LoginTimeout);
        var buffer = new byte[16 * 1024];
        var length = 0;
        try
        {
            while (true)
            {
                var r = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
                if (r.MessageType == WebSocketMessageType.Close) return (null, "action: closed before signing in");
                if (r.MessageType != WebSocketMessageType.Text) return (null, "action: the first message must be {\"action\":\"login\",\"token\":\"<user JWT>\"}, not audio");
                length += r.Count;
                if (r.EndOfMessage) break;
                if (length == buffer.Length) return (null, "token: the login message is longer than 16 KiB");
            }
        }
        catch (OperationCanceledException)
        {
            return (null, $"action: no login message within {LoginTimeout.TotalSeconds:0} s");
        }
        catch (WebSocketException e)
        {
            return (null, "action: connection lost before signing in (" + e.Message + ")");
        }

        string? token;
        try
        {
            using var doc = JsonDocument.Parse(buffer.AsMemory(0, length));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("action", out var a) || !a.ValueEquals("login"))
            {
                return (null, "action: the first message must be {\"action\":\"login\",\"token\":\"<user JWT>\"}");
            }
            if (!root.TryGetProperty("token", out var t) || t.ValueKind != JsonValueKind.String) return (null, "token: missing; send the user JWT as a string");
            token = t.GetString();
        }
        catch (JsonException e)
        {
            return (null, "action: the login message is not JSON (" + e.Message + ")");
        }
        var signIn = await authenticator.SignInAsync(token, cancellationToken);
        return (signIn.User, signIn.Reason);
    }

    private static async Task CloseAsync(WebSocket socket, byte[] message, WebSocketCloseStatus status, string reason)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            if (socket.State == WebSocketState.Open) await socket.SendAsync(message, WebSocketMessageType.Text, true, timeout.Token);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived) await socket.CloseAsync(status, reason, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The browser is gone; nothing left to tell it.
        }
    }
}
