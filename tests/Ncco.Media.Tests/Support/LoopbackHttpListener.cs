using System.Net;
using System.Net.Sockets;

namespace Ncco.Media.Tests.Support;

/// <summary>
/// Starts an <see cref="HttpListener"/> on a free loopback port. Probing for a free port and then binding it is a race
/// (another test class may take the port in between), so a failed bind retries on a new port.
/// </summary>
internal static class LoopbackHttpListener
{
    private const int Attempts = 20;

    public static (HttpListener Listener, Uri BaseUri) Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();

            var baseUri = new Uri($"http://127.0.0.1:{port}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(baseUri.ToString());
            try
            {
                listener.Start();
                return (listener, baseUri);
            }
            catch (HttpListenerException) when (attempt < Attempts)
            {
                listener.Close();
            }
        }
    }
}
