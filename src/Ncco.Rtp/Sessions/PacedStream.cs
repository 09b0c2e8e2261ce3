namespace Ncco.Rtp.Sessions;

/// <summary>
/// One session's packets in a <see cref="PacedSender"/>: how many the kernel still holds, and whether the session has
/// closed (its later packets are dropped, its queued ones fail unsent). Fields are guarded by the sender's lock.
/// </summary>
internal sealed class PacedStream(PacedSender sender)
{
    /// <summary>The sender this stream queues on.</summary>
    public PacedSender Sender { get; } = sender;

    /// <summary>Packets queued and not yet reported done by the kernel.</summary>
    public int Pending { get; set; }

    /// <summary>Packets the kernel failed to send (a full send buffer, an unreachable peer).</summary>
    public int Failed { get; set; }

    /// <summary>
    /// Where the session's socket sits in the ring's descriptor table (its packets' sends name it by index); −1: no
    /// room, its packets are sent at once.
    /// </summary>
    public int FileIndex { get; set; } = -1;

    /// <summary>Set by <see cref="PacedSender.CloseAsync"/> once the table no longer holds the socket.</summary>
    public bool Unregistered { get; set; }

    /// <summary>Set by <see cref="PacedSender.CloseAsync"/>: nothing more is queued.</summary>
    public bool Closed { get; set; }

    /// <summary>Ends when the last pending packet is reported done after close.</summary>
    public TaskCompletionSource? Drained { get; set; }

    /// <summary>Queues one datagram for <paramref name="deadline"/> (see <see cref="PacedSender.Queue"/>).</summary>
    public PacedSendResult Queue(ReadOnlySpan<byte> datagram, System.Net.SocketAddress to, long deadline) =>
        Sender.Queue(this, datagram, to, deadline);

    /// <summary>Cancels the queued packets and waits for the kernel to finish with them (see <see cref="PacedSender.CloseAsync"/>).</summary>
    public Task CloseAsync(TimeSpan timeout) => Sender.CloseAsync(this, timeout);
}
