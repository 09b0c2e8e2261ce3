using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ncco.Rtp.Sessions;

/// <summary>
/// One socket's datagram calls made straight to libc on its descriptor (Linux), for the media thread's per-tick sends
/// and non-blocking reads. Each call is exactly one system call, never blocks (<c>MSG_DONTWAIT</c>) and reports a
/// failure as an errno instead of an exception.
/// </summary>
/// <remarks>
/// Why not <see cref="Socket.SendTo(ReadOnlySpan{byte}, SocketFlags, SocketAddress)"/>: on a socket with a pending
/// asynchronous receive (the RTCP socket, or RTP without <see cref="RtpSessionOptions.ReceiveOnRead"/>) .NET routes
/// synchronous calls through its async context's queue, a full send buffer blocks the calling thread (the media
/// thread, every leg behind it), and every failure is an exception. A read asks <see cref="Socket.Available"/>
/// (an <c>ioctl</c>) before each receive, so taking one datagram costs three calls; here it is two (the second finds
/// nothing: <c>EAGAIN</c>).
/// The <see cref="SocketAddress"/> buffers are the platform's <c>sockaddr</c> bytes, as .NET itself passes them.
/// </remarks>
internal sealed partial class NativeDatagram
{
    private const int MsgDontWait = 0x40;   // MSG_DONTWAIT
    private const int MsgNoSignal = 0x4000; // MSG_NOSIGNAL

    /// <summary>EAGAIN / EWOULDBLOCK on Linux: nothing to read, or no room to send.</summary>
    public const int WouldBlock = 11;
    private const int Interrupted = 4;      // EINTR

    private readonly SafeSocketHandle _handle;

    private NativeDatagram(SafeSocketHandle handle) => _handle = handle;

    /// <summary>The direct calls for <paramref name="socket"/>, or null where they are not made (not Linux): use the <see cref="Socket"/> then.</summary>
    public static NativeDatagram? For(Socket socket) => OperatingSystem.IsLinux() ? new NativeDatagram(socket.SafeHandle) : null;

    /// <summary>Sends one datagram to <paramref name="to"/>. Returns 0, or the errno (e.g. <see cref="WouldBlock"/> when the send buffer is full).</summary>
    /// <exception cref="ObjectDisposedException">The socket was closed.</exception>
    public unsafe int SendTo(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        var added = false;
        try
        {
            // Holds the descriptor open for the call: a socket closed meanwhile must not let its number be reused under us.
            _handle.DangerousAddRef(ref added);
            var fd = (int)_handle.DangerousGetHandle();
            var address = to.Buffer.Span;
            fixed (byte* data = datagram)
            fixed (byte* sockaddr = address)
            {
                while (true)
                {
                    if (SendToNative(fd, data, (nuint)datagram.Length, MsgDontWait | MsgNoSignal, sockaddr, to.Size) >= 0) return 0;
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != Interrupted) return errno;
                }
            }
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    /// <summary>
    /// Takes one waiting datagram into <paramref name="buffer"/> and its source into <paramref name="from"/> (its
    /// <see cref="SocketAddress.Size"/> set). Returns its length, or minus the errno (<c>-</c><see cref="WouldBlock"/>: nothing waits).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The socket was closed.</exception>
    public unsafe int ReceiveFrom(Span<byte> buffer, SocketAddress from)
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            var fd = (int)_handle.DangerousGetHandle();
            var address = from.Buffer.Span;
            fixed (byte* data = buffer)
            fixed (byte* sockaddr = address)
            {
                while (true)
                {
                    var length = address.Length;
                    var received = ReceiveFromNative(fd, data, (nuint)buffer.Length, MsgDontWait, sockaddr, ref length);
                    if (received >= 0)
                    {
                        from.Size = Math.Min(length, address.Length);
                        return (int)received;
                    }
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != Interrupted) return -errno;
                }
            }
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    private static unsafe partial nint SendToNative(int fd, byte* buffer, nuint length, int flags, byte* address, int addressLength);

    [LibraryImport("libc", EntryPoint = "recvfrom", SetLastError = true)]
    private static unsafe partial nint ReceiveFromNative(int fd, byte* buffer, nuint length, int flags, byte* address, ref int addressLength);
}
