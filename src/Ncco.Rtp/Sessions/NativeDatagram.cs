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

    /// <summary>
    /// Takes up to two waiting datagrams in one system call (<c>recvmmsg</c>): the first into <paramref name="first"/>
    /// from <paramref name="firstFrom"/>, the second (only when <paramref name="second"/> is not empty) into
    /// <paramref name="second"/> from <paramref name="secondFrom"/>. Returns how many were taken (their lengths in
    /// <paramref name="firstLength"/> and <paramref name="secondLength"/>), or minus the errno (<c>-</c><see cref="WouldBlock"/>:
    /// nothing waits). One datagram and an empty socket behind it is one call here, two with <see cref="ReceiveFrom"/>:
    /// the kernel finds the socket empty inside the same call. An error met after the first datagram stays pending on
    /// the socket and is what the next call returns.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The socket was closed.</exception>
    public unsafe int ReceiveMany(Span<byte> first, SocketAddress firstFrom, Span<byte> second, SocketAddress secondFrom, out int firstLength, out int secondLength)
    {
        firstLength = 0;
        secondLength = 0;
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            var fd = (int)_handle.DangerousGetHandle();
            var address1 = firstFrom.Buffer.Span;
            var address2 = secondFrom.Buffer.Span;
            fixed (byte* data1 = first)
            fixed (byte* data2 = second)
            fixed (byte* sockaddr1 = address1)
            fixed (byte* sockaddr2 = address2)
            {
                var vectors = stackalloc IoVector[2];
                var messages = stackalloc MultipleMessageHeader[2];
                vectors[0] = new IoVector { Base = data1, Length = (nuint)first.Length };
                vectors[1] = new IoVector { Base = data2, Length = (nuint)second.Length };
                var count = second.IsEmpty ? 1u : 2u;
                while (true)
                {
                    messages[0] = new MultipleMessageHeader { Header = new MessageHeader { Name = sockaddr1, NameLength = address1.Length, Vectors = vectors, VectorCount = 1 } };
                    messages[1] = new MultipleMessageHeader { Header = new MessageHeader { Name = sockaddr2, NameLength = address2.Length, Vectors = vectors + 1, VectorCount = 1 } };
                    var received = ReceiveManyNative(fd, messages, count, MsgDontWait, null);
                    if (received >= 0)
                    {
                        if (received >= 1)
                        {
                            firstLength = (int)messages[0].Length;
                            firstFrom.Size = Math.Min(messages[0].Header.NameLength, address1.Length);
                        }
                        if (received >= 2)
                        {
                            secondLength = (int)messages[1].Length;
                            secondFrom.Size = Math.Min(messages[1].Header.NameLength, address2.Length);
                        }
                        return received;
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

    // struct iovec, struct msghdr and struct mmsghdr of the Linux ABI (sequential layout gives their padding, 32- and 64-bit).
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MessageHeader
    {
        public byte* Name;
        public int NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MultipleMessageHeader
    {
        public MessageHeader Header;
        public uint Length;
    }

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static unsafe partial int ReceiveManyNative(int fd, MultipleMessageHeader* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    private static unsafe partial nint SendToNative(int fd, byte* buffer, nuint length, int flags, byte* address, int addressLength);

    [LibraryImport("libc", EntryPoint = "recvfrom", SetLastError = true)]
    private static unsafe partial nint ReceiveFromNative(int fd, byte* buffer, nuint length, int flags, byte* address, ref int addressLength);
}
