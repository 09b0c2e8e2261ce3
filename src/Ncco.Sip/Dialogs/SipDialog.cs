using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Dialogs;

/// <summary>
/// Dialog state (RFC 3261 §12): identity (Call-ID and both tags), the parties, the remote target, the route set and the
/// CSeq spaces. Mutated only under the stack lock.
/// </summary>
public sealed class SipDialog
{
    internal SipDialog(string callId, NameAddress local, NameAddress remote, SipUri remoteTarget, IReadOnlyList<NameAddress> routeSet, long localCSeq, bool isUac)
    {
        CallId = callId;
        LocalParty = local;
        RemoteParty = remote;
        RemoteTarget = remoteTarget;
        RouteSet = routeSet;
        LocalCSeq = localCSeq;
        IsUac = isUac;
    }

    /// <summary>Call-ID.</summary>
    public string CallId { get; }

    /// <summary>Our From (UAC) or To (UAS), with our tag.</summary>
    public NameAddress LocalParty { get; }

    /// <summary>The peer's address with its tag.</summary>
    public NameAddress RemoteParty { get; internal set; }

    /// <summary>Our tag.</summary>
    public string LocalTag => LocalParty.Tag!;

    /// <summary>The peer's tag.</summary>
    public string RemoteTag => RemoteParty.Tag ?? "";

    /// <summary>Where in-dialog requests go (the peer's Contact; refreshed by re-INVITE).</summary>
    public SipUri RemoteTarget { get; internal set; }

    /// <summary>Proxies that asked to stay on the path (Record-Route), in the order requests traverse them.</summary>
    public IReadOnlyList<NameAddress> RouteSet { get; }

    /// <summary>Last CSeq we used.</summary>
    public long LocalCSeq { get; internal set; }

    /// <summary>Last CSeq the peer used, or null before its first in-dialog request.</summary>
    public long? RemoteCSeq { get; internal set; }

    /// <summary>True when we sent the INVITE.</summary>
    public bool IsUac { get; }

    /// <summary>
    /// For dialogs we accepted without a route set: the address the INVITE came from. Requests go back there rather than to
    /// the Contact, which behind NAT is often a private address (symmetric signalling, as SBCs do).
    /// </summary>
    public SipEndPoint? PeerEndPoint { get; internal set; }

    /// <summary>The dialog key used by the UA's table.</summary>
    public string Key => KeyOf(CallId, LocalTag, RemoteTag);

    internal static string KeyOf(string callId, string localTag, string remoteTag) => $"{callId}|{localTag}|{remoteTag}";

    /// <summary>Builds an in-dialog request (§12.2.1.1) with loose routing; ACK passes the INVITE's CSeq number.</summary>
    internal SipRequest CreateRequest(string method, ViaHeader via, SipUri contact, long? cseq = null)
    {
        var number = cseq ?? ++LocalCSeq;
        var headers = new List<SipHeader>
        {
            new(HeaderNames.Via, via.ToString()),
            new(HeaderNames.MaxForwards, "70"),
            new(HeaderNames.From, LocalParty.ToString()),
            new(HeaderNames.To, RemoteParty.ToString()),
            new(HeaderNames.CallId, CallId),
            new(HeaderNames.CSeq, new CSeqHeader(number, method).ToString()),
        };
        headers.AddRange(RouteSet.Select(r => new SipHeader(HeaderNames.Route, r.ToString())));
        if (method is SipMethods.Invite or SipMethods.Update or SipMethods.Notify or SipMethods.Refer or SipMethods.Subscribe)
        {
            headers.Add(new SipHeader(HeaderNames.Contact, $"<{contact}>"));
        }
        return new SipRequest { Method = method, Uri = RemoteTarget, Headers = [.. headers] };
    }
}
