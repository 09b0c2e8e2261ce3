using System.Net;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Transactions;

namespace Ncco.Sip.Tests.Support;

/// <summary>Two real UAs on loopback (UDP and TCP on free ports), for end-to-end dialog tests on real sockets.</summary>
internal sealed class LoopbackPair : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public LoopbackPair(SipUserAgentOptions? alice = null, SipUserAgentOptions? bob = null)
    {
        var timers = new SipTimers { T1 = TimeSpan.FromMilliseconds(100) };
        Alice = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, alice ?? new() { User = "alice" }, timers);
        Bob = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, bob ?? new() { User = "bob" }, timers);
        Alice.Start();
        Bob.Start();
    }

    public SipUserAgent Alice { get; }

    public SipUserAgent Bob { get; }

    public SipUri BobUri(bool tcp = false) => tcp
        ? SipUri.Parse($"sip:bob@127.0.0.1:{Bob.Layer.Transport.PortOf(Ncco.Sip.Transport.SipTransportKind.Tcp)};transport=tcp")
        : SipUri.Parse($"sip:bob@127.0.0.1:{Bob.Layer.Transport.PortOf(Ncco.Sip.Transport.SipTransportKind.Udp)}");

    public async ValueTask DisposeAsync()
    {
        await Alice.DisposeAsync();
        await Bob.DisposeAsync();
    }
}
