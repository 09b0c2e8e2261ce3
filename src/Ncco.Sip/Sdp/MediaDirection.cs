namespace Ncco.Sip.Sdp;

/// <summary>The RFC 4566 direction attributes, from the point of view of the side that writes them.</summary>
public enum MediaDirection
{
    /// <summary>a=sendrecv (the default when none is given).</summary>
    SendRecv,
    /// <summary>a=sendonly (the writer puts the other side on hold).</summary>
    SendOnly,
    /// <summary>a=recvonly.</summary>
    RecvOnly,
    /// <summary>a=inactive.</summary>
    Inactive,
}

/// <summary>Conversions for <see cref="MediaDirection"/>.</summary>
public static class MediaDirections
{
    /// <summary>The attribute name.</summary>
    public static string ToAttribute(this MediaDirection direction) => direction switch
    {
        MediaDirection.SendOnly => "sendonly",
        MediaDirection.RecvOnly => "recvonly",
        MediaDirection.Inactive => "inactive",
        _ => "sendrecv",
    };

    /// <summary>Parses an attribute name, or null when it is not a direction.</summary>
    public static MediaDirection? FromAttribute(string name) => name switch
    {
        "sendrecv" => MediaDirection.SendRecv,
        "sendonly" => MediaDirection.SendOnly,
        "recvonly" => MediaDirection.RecvOnly,
        "inactive" => MediaDirection.Inactive,
        _ => null,
    };

    /// <summary>
    /// The direction an answerer may use given the offer's direction and what it wants itself (RFC 3264 §6.1):
    /// it can only send if the offerer receives and only receive if the offerer sends.
    /// </summary>
    public static MediaDirection AnswerTo(this MediaDirection offered, MediaDirection wanted)
    {
        var offererSends = offered is MediaDirection.SendRecv or MediaDirection.SendOnly;
        var offererReceives = offered is MediaDirection.SendRecv or MediaDirection.RecvOnly;
        var send = offererReceives && wanted is MediaDirection.SendRecv or MediaDirection.SendOnly;
        var receive = offererSends && wanted is MediaDirection.SendRecv or MediaDirection.RecvOnly;
        return (send, receive) switch
        {
            (true, true) => MediaDirection.SendRecv,
            (true, false) => MediaDirection.SendOnly,
            (false, true) => MediaDirection.RecvOnly,
            _ => MediaDirection.Inactive,
        };
    }
}
