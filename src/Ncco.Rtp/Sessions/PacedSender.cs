using System.Net;
using System.Runtime.InteropServices;
using Ncco.Media.Native;
using Ncco.Media.Pcm;

namespace Ncco.Rtp.Sessions;

/// <summary>
/// Kernel-timed RTP sending (Linux <c>io_uring</c>): each packet is handed to the kernel with the instant it must
/// leave, as an absolute <c>CLOCK_MONOTONIC</c> timeout linked to a <c>sendmsg</c> on the session's socket. The kernel
/// sends at that instant whatever the process is doing — in particular while a .NET garbage collection has stopped every
/// managed thread, the media thread included, which is what set every remaining media-timing figure (pauses of
/// 35–125 ms at call setup load, bench/side-by-side/RESULTS.md). The media thread builds each frame
/// <see cref="Lead"/> before it is due, so a pause shorter than the lead moves no packet.
/// </summary>
/// <remarks>
/// <para>One ring per process (per media plane). Packets wait in native memory slots (2 KB each, allocated in blocks
/// of 256 as needed, at most <c>maxSlots</c>) until the kernel reports the send done. A dedicated thread of the sender
/// (SCHED_FIFO where allowed, see <see cref="Priority"/>) does every submission and waits in <c>io_uring_enter</c> for completions, freeing the slots.
/// It must be the submitter: when a timeout expires, the kernel runs its linked send as task work <em>of the thread that
/// submitted it</em>, at that thread's next chance to run. The media thread would be the worst choice — busy building
/// frames, preempted on a loaded machine, stopped by the collector — while this thread sleeps in the kernel, wakes
/// for the task work at once and is not held by a collection while it sits there. The media thread queues a tick's
/// packets and wakes it once per tick (<see cref="Submit"/>: one <c>eventfd</c> write, which completes a read this
/// thread keeps pending in the ring) instead of one system call per packet.</para>
/// <para>A session's queued packets never outlive its socket: closing a session cancels them and waits for the kernel to
/// report each one done before the socket is closed (so a descriptor number reused by another socket is never
/// written to).</para>
/// <para>Where the ring cannot be made (not Linux, a kernel without io_uring, a seccomp profile that refuses it),
/// <see cref="TryCreate(TimeSpan, int, out string?)"/> returns null with the reason and sessions send at once, as
/// without a pacer.</para>
/// </remarks>
public sealed unsafe class PacedSender : IDisposable
{
    /// <summary>Bytes of native memory per queued packet.</summary>
    public const int SlotSize = 2048;

    /// <summary>The largest datagram a slot holds; a larger one is sent at once.</summary>
    public const int MaxPacketSize = SlotSize - DataOffset;

    /// <summary>The largest lead accepted: a second of audio queued in the kernel is already far past any use.</summary>
    public static readonly TimeSpan MaxLead = TimeSpan.FromMilliseconds(500);

    // Slot layout: the timeout's timespec, the iovec, the msghdr, the destination sockaddr, the datagram.
    private const int TimespecOffset = 0;
    private const int IovecOffset = 16;
    private const int MsghdrOffset = 32;
    private const int SockaddrOffset = 96;
    private const int MaxSockaddr = 128;
    private const int DataOffset = 256;
    private const int SlotsPerBlock = 256;
    // The most sends linked behind one timeout; a larger tick is split into chains with the same instant.
    private const int MaxChain = 1024;
    // Entries of the ring's descriptor table (one per paced session), fewer where RLIMIT_NOFILE is lower.
    private const int MaxFiles = 16384;
    private const int NoSpace = 12;      // ENOMEM
    private const int TooManyFiles = 24; // EMFILE

    // user_data: slot index (bits 0–31), kind (32–39), the slot's use count (40–63) so a late cancel never hits the
    // slot's next packet.
    private const ulong KindTimeout = 1;
    private const ulong KindSend = 2;
    private const ulong KindCancel = 3;
    private const ulong KindWake = 4;
    private const ulong KindStop = 5;

    private const int MsgDontWait = 0x40;   // MSG_DONTWAIT: a full send buffer drops the packet, as the direct path does
    private const int MsgNoSignal = 0x4000; // MSG_NOSIGNAL

    private readonly Lock _gate = new();
    private readonly int _ringFd;
    private readonly nint _sqRing;
    private readonly nuint _sqRingSize;
    private readonly nint _cqRing;
    private readonly nuint _cqRingSize;
    private readonly nint _sqes;
    private readonly nuint _sqesSize;
    private readonly uint* _sqHead;
    private readonly uint* _sqTail;
    private readonly uint* _sqArray;
    private readonly uint _sqMask;
    private readonly uint _sqEntries;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly uint _cqMask;
    private readonly byte* _cqes;
    private readonly Thread _reaper;
    private readonly int _wakeFd;       // eventfd: Submit writes it, the reaper's pending read of it completes
    private readonly long* _wakeBuffer; // where that read lands (8 bytes; never freed: a read may be pending until the ring is torn down)
    private bool _wakeArmed;            // under _gate: the read is in the ring

    // Under _gate.
    private uint _tail;            // our copy of the SQ tail (entries written)
    private uint _unsubmitted;     // entries written but not yet entered
    private bool _entering;        // the sender's thread is entering entries outside the lock: they are the kernel's to read
    private byte* _chainEnd;       // the last send of the last chain written, and _tail just after it
    private uint _chainEndTail;
    private nint[] _blocks = new nint[4];
    private int _blockCount;
    private int _slotCount;
    private int[] _free = new int[SlotsPerBlock];
    private int _freeCount;
    private PacedStream?[] _owners = new PacedStream?[SlotsPerBlock];
    private uint[] _uses = new uint[SlotsPerBlock];
    private int _inFlight;
    private bool _stopping;
    private readonly int _maxSlots;
    private readonly int[] _freeFiles;  // free indexes of the ring's descriptor table
    private int _freeFileCount;
    private int[] _staged = new int[SlotsPerBlock]; // this tick's packets (slots), not yet in the ring
    private int _stagedCount;
    private long _stagedDeadline;
    private long _chains;
    private long _linkedChains;

    private long _sent;
    private long _failed;
    private long _cancelled;
    private long _immediate;
    private long _frameDeadline;
    private int _disposed;

    private PacedSender(int ringFd, int wakeFd, int files, in IoUring.Params p, nint sqRing, nuint sqRingSize, nint cqRing, nuint cqRingSize, nint sqes, nuint sqesSize, TimeSpan lead, int maxSlots,
        MediaThreadPriority priority, ScheduleCall schedule)
    {
        _freeFiles = new int[files];
        for (var i = files - 1; i >= 0; i--) _freeFiles[_freeFileCount++] = i;
        _ringFd = ringFd;
        _sqRing = sqRing;
        _sqRingSize = sqRingSize;
        _cqRing = cqRing;
        _cqRingSize = cqRingSize;
        _sqes = sqes;
        _sqesSize = sqesSize;
        var sq = (byte*)sqRing;
        _sqHead = (uint*)(sq + p.Sq.Head);
        _sqTail = (uint*)(sq + p.Sq.Tail);
        _sqArray = (uint*)(sq + p.Sq.Array);
        _sqMask = *(uint*)(sq + p.Sq.RingMask);
        _sqEntries = *(uint*)(sq + p.Sq.RingEntries);
        var cq = (byte*)cqRing;
        _cqHead = (uint*)(cq + p.Cq.Head);
        _cqTail = (uint*)(cq + p.Cq.Tail);
        _cqMask = *(uint*)(cq + p.Cq.RingMask);
        _cqes = cq + p.Cq.Cqes;
        _tail = *_sqTail;
        _wakeFd = wakeFd;
        _wakeBuffer = (long*)NativeMemory.AllocZeroed(16);
        Lead = lead;
        LeadNanoseconds = (long)(lead.Ticks * 100);
        _maxSlots = maxSlots;
        Priority = priority;
        // Not disposed: a thread that took longer than the wait below still sets it.
        var scheduled = new ManualResetEventSlim();
        _reaper = new Thread(() => Reap(schedule, scheduled)) { IsBackground = true, Name = "ncco-rtp-pacer" };
        _reaper.Start();
        // The thread sets its own scheduling (a thread id is only known inside it); the result is read by the host's log.
        scheduled.Wait(TimeSpan.FromSeconds(5));
    }

    /// <summary>The scheduling the sender's thread asked for (<c>Ncco:Media:PacerPriority</c>).</summary>
    public MediaThreadPriority Priority { get; }

    /// <summary>
    /// The scheduling the sender's thread got: <see cref="MediaThreadPriority.Realtime"/> (SCHED_FIFO),
    /// <see cref="MediaThreadPriority.High"/> (nice −10: real time was refused or not asked for) or
    /// <see cref="MediaThreadPriority.Normal"/> (both refused, or asked for).
    /// </summary>
    public MediaThreadPriority EffectivePriority { get; private set; }

    /// <summary>Why the thread runs below <see cref="Priority"/> (the system's refusal); null when it got it.</summary>
    public string? SchedulingFailure { get; private set; }

    /// <summary>How far ahead of its instant each frame is built and queued (<c>Ncco:Media:SendLeadMilliseconds</c>).</summary>
    public TimeSpan Lead { get; }

    /// <summary><see cref="Lead"/> in nanoseconds.</summary>
    public long LeadNanoseconds { get; }

    /// <summary>
    /// The <c>CLOCK_MONOTONIC</c> instant (ns) at which the frame being built now must leave: set by the media thread
    /// before it builds each frame, read by the sessions as they queue its packets. 0: send at once.
    /// </summary>
    public long FrameDeadline
    {
        get => Volatile.Read(ref _frameDeadline);
        set => Volatile.Write(ref _frameDeadline, value);
    }

    /// <summary>Packets whose memory the kernel has not handed back yet (queued, waiting for their instant, or sending).</summary>
    public int SlotsInUse
    {
        get
        {
            lock (_gate) return _inFlight;
        }
    }

    /// <summary>Packets the kernel sent.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Packets the kernel failed to send (a full send buffer, an unreachable peer).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Packets cancelled before their instant (their session closed).</summary>
    public long Cancelled => Interlocked.Read(ref _cancelled);

    /// <summary>Packets sent at once instead (too large for a slot, every slot in use, the ring full).</summary>
    public long SentImmediately => Interlocked.Read(ref _immediate);

    /// <summary>Observes each queued packet's instant (tests; null in production).</summary>
    internal Action<long>? Queued { get; set; }

    /// <summary>Timeouts written to the ring, each heading one chain of sends (tests: a large tick is split).</summary>
    internal long Chains
    {
        get
        {
            lock (_gate) return _chains;
        }
    }

    /// <summary>Chains written hard-linked behind the chain before them (for tests).</summary>
    internal long LinkedChains
    {
        get
        {
            lock (_gate) return _linkedChains;
        }
    }

    /// <summary>CLOCK_MONOTONIC now, in nanoseconds (the clock of <see cref="FrameDeadline"/>).</summary>
    public static long Now() => IoUring.MonotonicNanoseconds();

    /// <summary>
    /// Makes the ring, or returns null with <paramref name="failure"/> saying why (not Linux, io_uring refused): then
    /// send at once. <paramref name="lead"/> 0 to <see cref="MaxLead"/>; <paramref name="maxSlots"/> bounds the native memory
    /// (× <see cref="SlotSize"/>).
    /// </summary>
    public static PacedSender? TryCreate(TimeSpan lead, int maxSlots, out string? failure) => TryCreate(lead, maxSlots, MediaThreadPriority.Realtime, out failure);

    /// <summary>
    /// As <see cref="TryCreate(TimeSpan, int, out string?)"/>, with the scheduling of the sender's thread:
    /// <see cref="MediaThreadPriority.Realtime"/> (the default: SCHED_FIFO, falling back to nice −10, then to normal, when
    /// refused — see <see cref="SchedulingFailure"/>), <see cref="MediaThreadPriority.High"/> (nice −10) or
    /// <see cref="MediaThreadPriority.Normal"/>. Every packet leaves when this thread gets a core after its instant.
    /// </summary>
    public static PacedSender? TryCreate(TimeSpan lead, int maxSlots, MediaThreadPriority priority, out string? failure) => TryCreate(lead, maxSlots, out failure, null, priority, null);

    internal delegate int SetupCall(uint entries, nint parameters);

    /// <summary>Applies a scheduling to the calling thread; false with the reason when refused.</summary>
    internal delegate bool ScheduleCall(MediaThreadPriority priority, out string? error);

    internal static PacedSender? TryCreate(TimeSpan lead, int maxSlots, out string? failure, SetupCall? setup, MediaThreadPriority priority = MediaThreadPriority.Realtime, ScheduleCall? schedule = null)
    {
        if (!Enum.IsDefined(priority)) throw new ArgumentOutOfRangeException(nameof(priority), priority, "must be Normal, High or Realtime");
        if (lead < TimeSpan.Zero || lead > MaxLead) throw new ArgumentOutOfRangeException(nameof(lead), lead, $"must be 0 to {MaxLead.TotalMilliseconds} ms");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSlots, 1);
        if (!OperatingSystem.IsLinux())
        {
            failure = "io_uring is Linux only";
            return null;
        }
        // Two entries a packet; a tick submits every leg's packet at once (4,096 legs fit), and a larger batch only
        // means the media thread submits the overflow itself.
        const uint entries = 8192;
        IoUring.Params p = default;
        p.Flags = IoUring.SetupSubmitAll;
        int fd;
        try
        {
            fd = setup is null ? IoUring.Setup(entries, &p) : setup(entries, (nint)(&p));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            failure = $"io_uring_setup unavailable: {e.Message}";
            return null;
        }
        if (fd < 0)
        {
            failure = $"io_uring_setup failed: errno {-fd} ({Marshal.GetPInvokeErrorMessage(-fd)})";
            return null;
        }
        nint sqRing = 0, cqRing = 0, sqes = 0;
        nuint sqSize = p.Sq.Array + (p.SqEntries * sizeof(uint));
        nuint cqSize = p.Cq.Cqes + (p.CqEntries * (uint)IoUring.CqeSize);
        var single = (p.Features & IoUring.FeatureSingleMmap) != 0;
        if (single) sqSize = cqSize = Math.Max(sqSize, cqSize);
        nuint sqesSize = p.SqEntries * (uint)IoUring.SqeSize;
        const int prot = IoUring.ProtRead | IoUring.ProtWrite;
        const int flags = IoUring.MapShared | IoUring.MapPopulate;
        sqRing = IoUring.Mmap(0, sqSize, prot, flags, fd, IoUring.OffsetSqRing);
        if (sqRing != -1)
        {
            cqRing = single ? sqRing : IoUring.Mmap(0, cqSize, prot, flags, fd, IoUring.OffsetCqRing);
            if (cqRing != -1) sqes = IoUring.Mmap(0, sqesSize, prot, flags, fd, IoUring.OffsetSqes);
        }
        var wakeFd = sqRing == -1 || cqRing == -1 || sqes == -1 ? -1 : IoUring.EventFd(0, IoUring.EventFdCloseOnExec);
        var files = wakeFd < 0 ? 0 : RegisterFileTable(fd);
        if (files < 0)
        {
            if (sqes > 0) IoUring.Munmap(sqes, sqesSize);
            if (cqRing > 0 && cqRing != sqRing) IoUring.Munmap(cqRing, cqSize);
            if (sqRing > 0) IoUring.Munmap(sqRing, sqSize);
            IoUring.Close(wakeFd);
            IoUring.Close(fd);
            failure = $"registering the io_uring's descriptor table failed: errno {-files} ({Marshal.GetPInvokeErrorMessage(-files)})";
            return null;
        }
        if (wakeFd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (sqes > 0) IoUring.Munmap(sqes, sqesSize);
            if (cqRing > 0 && cqRing != sqRing) IoUring.Munmap(cqRing, cqSize);
            if (sqRing > 0) IoUring.Munmap(sqRing, sqSize);
            IoUring.Close(fd);
            failure = $"mapping the io_uring (or its eventfd) failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})";
            return null;
        }
        failure = null;
        return new PacedSender(fd, wakeFd, files, p, sqRing, sqSize, cqRing, single ? 0 : cqSize, sqes, sqesSize, lead, maxSlots, priority, schedule ?? ApplyScheduling);
    }

    // An empty descriptor table for the sessions' sockets, as large as RLIMIT_NOFILE allows (up to MaxFiles): its size,
    // or −errno.
    private static int RegisterFileTable(int ringFd)
    {
        var result = -TooManyFiles;
        for (var size = MaxFiles; size >= 64; size /= 2)
        {
            var fds = new int[size];
            Array.Fill(fds, -1);
            fixed (int* table = fds) result = IoUring.Register(ringFd, IoUring.RegisterFiles, table, (uint)size);
            if (result >= 0) return size;
            if (result is not -TooManyFiles and not -NoSpace) return result;
        }
        return result;
    }

    /// <summary>
    /// A session's handle for its socket <paramref name="fd"/>, put in the ring's descriptor table: the sends name the
    /// socket by its place there, so closing the session takes it out and its queued sends fail unsent. With the table
    /// full (or the update refused) the session's packets are sent at once.
    /// </summary>
    internal PacedStream Open(int fd)
    {
        var stream = new PacedStream(this);
        int index;
        lock (_gate)
        {
            if (_stopping || _freeFileCount == 0) return stream;
            index = _freeFiles[--_freeFileCount];
        }
        if (IoUring.UpdateFile(_ringFd, index, fd) < 0)
        {
            lock (_gate) _freeFiles[_freeFileCount++] = index;
            return stream;
        }
        stream.FileIndex = index;
        return stream;
    }

    /// <summary>
    /// Queues <paramref name="datagram"/> for <paramref name="to"/> on <paramref name="stream"/>'s socket at
    /// <paramref name="deadline"/> (CLOCK_MONOTONIC ns; past: at the next submit). Goes to the kernel with the next
    /// <see cref="Submit"/> (or when a packet for another instant is queued), with the other packets for the same
    /// instant behind one timeout. Does not allocate once the slots and the tick have grown to the load.
    /// </summary>
    internal PacedSendResult Queue(PacedStream stream, ReadOnlySpan<byte> datagram, SocketAddress to, long deadline)
    {
        if (datagram.Length > MaxPacketSize || to.Size > MaxSockaddr)
        {
            Interlocked.Increment(ref _immediate);
            return PacedSendResult.SendNow;
        }
        lock (_gate)
        {
            if (stream.Closed) return PacedSendResult.Closed;
            if (_stopping || stream.FileIndex < 0 || !TryTakeSlot(out var slot))
            {
                Interlocked.Increment(ref _immediate);
                return PacedSendResult.SendNow;
            }
            ++_uses[slot];
            var memory = SlotAddress(slot);
            var timespec = (long*)(memory + TimespecOffset);
            timespec[0] = deadline / 1_000_000_000L;
            timespec[1] = deadline % 1_000_000_000L;
            var data = memory + DataOffset;
            datagram.CopyTo(new Span<byte>(data, datagram.Length));
            var sockaddr = memory + SockaddrOffset;
            to.Buffer.Span[..to.Size].CopyTo(new Span<byte>(sockaddr, to.Size));
            var iovec = (nint*)(memory + IovecOffset);
            iovec[0] = (nint)data;
            iovec[1] = datagram.Length;
            // struct msghdr (LP64): name, namelen (+pad), iov, iovlen, control, controllen, flags (+pad).
            var msghdr = memory + MsghdrOffset;
            new Span<byte>(msghdr, 56).Clear();
            *(nint*)msghdr = (nint)sockaddr;
            *(uint*)(msghdr + 8) = (uint)to.Size;
            *(nint*)(msghdr + 16) = (nint)iovec;
            *(nint*)(msghdr + 24) = 1;

            // Staged, not written to the ring yet: a tick's packets go in as one chain behind one timeout (WriteChainLocked),
            // and the ring's other writers must not land inside it.
            if (_stagedCount > 0 && (deadline != _stagedDeadline || _stagedCount == MaxChain)) WriteChainLocked();
            if (_stagedCount == _staged.Length) Array.Resize(ref _staged, _staged.Length * 2);
            _staged[_stagedCount++] = slot;
            _stagedDeadline = deadline;
            _owners[slot] = stream;
            stream.Pending++;
            _inFlight++;
        }
        Queued?.Invoke(deadline);
        return PacedSendResult.Queued;
    }

    /// <summary>
    /// Has the sender's thread hand the queued packets to the kernel (one <c>eventfd</c> write when anything is queued):
    /// the media thread once per tick.
    /// </summary>
    public void Submit()
    {
        lock (_gate)
        {
            WriteChainLocked();
            if (_unsubmitted == 0) return;
        }
        Wake();
    }

    // The staged packets into the ring (under _gate): one absolute timeout at their instant, linked to their sends one
    // behind the other — one kernel timer per tick instead of one per packet (arming a timer per packet was most of
    // this sender's time during call setup). The sends are hard-linked: one that fails (a full buffer, a closed
    // session's socket) does not cancel the rest. Each names its socket by its place in the ring's descriptor table,
    // looked up when the send runs, so a closed session's sends fail unsent however many ticks are queued.
    private void WriteChainLocked()
    {
        var count = _stagedCount;
        if (count == 0) return;
        _stagedCount = 0;
        if (!EnsureSqSpace((uint)count + 1))
        {
            // The kernel takes nothing more (the ring full however often it was entered): the tick is dropped, not
            // sent late.
            for (var i = 0; i < count; i++) Release(_staged[i], -NoSpace);
            return;
        }
        // Behind the chain before it, when that chain's last send is the last entry written and still ours (not entered):
        // hard-linked, this chain's timer starts once that chain's sends are done. Two chains due at once (a catch-up, the
        // ticks built after a pause written back to back) would otherwise advance in step in the kernel, a send of each in
        // turn, and a leg whose place in the order moved between the ticks could have its two packets leave swapped. A
        // chain that follows other entries (the wake-up read, a cancel) cannot be linked through them and is not.
        if (_chainEnd != null && _chainEndTail == _tail && _unsubmitted > 0 && !_entering)
        {
            _chainEnd[IoUring.SqeFlags] |= IoUring.SqeIoHardLink;
            _linkedChains++;
        }
        var head = _staged[0];
        var timeout = NextSqe();
        timeout[IoUring.SqeOpcode] = IoUring.OpTimeout;
        // Not IOSQE_CQE_SKIP_SUCCESS, though an expired timeout's completion is of no use: the kernel then also skips
        // the completion of a send failed by cancelling its timeout, and Dispose would wait for its slots forever.
        timeout[IoUring.SqeFlags] = IoUring.SqeIoLink;
        *(int*)(timeout + IoUring.SqeFd) = -1;
        *(ulong*)(timeout + IoUring.SqeOff) = 0; // a pure timer, not a completion count
        // The instant lives in the first packet's slot, which is not freed before its send completes, after the timeout.
        *(ulong*)(timeout + IoUring.SqeAddr) = (ulong)(nint)(SlotAddress(head) + TimespecOffset);
        *(uint*)(timeout + IoUring.SqeLen) = 1;
        *(uint*)(timeout + IoUring.SqeOpFlags) = IoUring.TimeoutAbsolute | IoUring.TimeoutExpiredIsSuccess;
        *(ulong*)(timeout + IoUring.SqeUserData) = UserData(head, KindTimeout, _uses[head]);
        _chains++;
        byte* send = null;
        for (var i = 0; i < count; i++)
        {
            var slot = _staged[i];
            send = NextSqe();
            send[IoUring.SqeOpcode] = IoUring.OpSendMsg;
            send[IoUring.SqeFlags] = (byte)(IoUring.SqeFixedFile | (i < count - 1 ? IoUring.SqeIoHardLink : 0));
            *(int*)(send + IoUring.SqeFd) = _owners[slot]!.FileIndex;
            *(ulong*)(send + IoUring.SqeAddr) = (ulong)(nint)(SlotAddress(slot) + MsghdrOffset);
            *(uint*)(send + IoUring.SqeLen) = 1;
            *(uint*)(send + IoUring.SqeOpFlags) = MsgDontWait | MsgNoSignal;
            *(ulong*)(send + IoUring.SqeUserData) = UserData(slot, KindSend, _uses[slot]);
        }
        _chainEnd = send;
        _chainEndTail = _tail;
        Volatile.Write(ref *_sqTail, _tail);
    }

    private void Wake()
    {
        long one = 1;
        IoUring.Write(_wakeFd, &one, sizeof(long));
    }

    /// <summary>
    /// Stops <paramref name="stream"/>'s queued packets: none is sent after this returns except those the kernel had
    /// already started, and the returned task ends once the kernel has reported every one of them done (their slots free),
    /// or after <paramref name="timeout"/>.
    /// </summary>
    internal Task CloseAsync(PacedStream stream, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (stream.Closed) return stream.Drained?.Task ?? Task.CompletedTask;
            stream.Closed = true;
            // Its staged packets go into the ring too (to fail there): every slot comes back the one way, a completion.
            WriteChainLocked();
            if (stream.Pending > 0) stream.Drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        // Out of the table: a queued send that runs now fails with EBADF (the kernel looks the descriptor up when the
        // send runs, after its tick's timeout), and the socket is never written to again. The chains themselves cannot
        // be cancelled for one session (a chain member cannot be cancelled alone), so the slots come back at their
        // tick's instant, at most the lead from now.
        if (stream.FileIndex >= 0) IoUring.UpdateFile(_ringFd, stream.FileIndex, -1);
        lock (_gate)
        {
            stream.Unregistered = true;
            if (stream.Pending == 0)
            {
                FreeFileLocked(stream);
                return stream.Drained?.Task ?? Task.CompletedTask;
            }
        }
        Wake();
        return stream.Drained!.Task.WaitAsync(timeout);
    }

    // The session's place in the descriptor table, once it is out of the table and no send of its can still name it.
    private void FreeFileLocked(PacedStream stream)
    {
        if (stream.FileIndex < 0 || !stream.Unregistered) return;
        _freeFiles[_freeFileCount++] = stream.FileIndex;
        stream.FileIndex = -1;
    }

    private void QueueCancelLocked(ulong target)
    {
        if (!EnsureSqSpace(1)) return;
        var sqe = NextSqe();
        sqe[IoUring.SqeOpcode] = IoUring.OpAsyncCancel;
        *(int*)(sqe + IoUring.SqeFd) = -1;
        *(ulong*)(sqe + IoUring.SqeAddr) = target;
        *(ulong*)(sqe + IoUring.SqeUserData) = KindCancel << 32;
        Volatile.Write(ref *_sqTail, _tail);
    }

    private static ulong UserData(int slot, ulong kind, uint use) => (uint)slot | (kind << 32) | ((ulong)(use & 0xFFFFFF) << 40);

    // A zeroed entry at the tail (under _gate, space ensured).
    private byte* NextSqe()
    {
        var index = _tail & _sqMask;
        var sqe = (byte*)_sqes + (index * IoUring.SqeSize);
        new Span<byte>(sqe, IoUring.SqeSize).Clear();
        _sqArray[index] = index;
        _tail++;
        _unsubmitted++;
        return sqe;
    }

    private bool EnsureSqSpace(uint needed)
    {
        if (_sqEntries - (_tail - Volatile.Read(ref *_sqHead)) >= needed) return true;
        SubmitLocked();
        return _sqEntries - (_tail - Volatile.Read(ref *_sqHead)) >= needed;
    }

    private void Submitted(int result)
    {
        lock (_gate)
        {
            _entering = false;
            // EINTR, EAGAIN, EBUSY (result <= 0): what is left goes with the next call.
            if (result > 0) _unsubmitted -= (uint)Math.Min(result, (int)_unsubmitted);
        }
    }

    private void SubmitLocked()
    {
        for (var attempt = 0; _unsubmitted > 0 && attempt < 8; attempt++)
        {
            var result = IoUring.Enter(_ringFd, _unsubmitted, 0, 0);
            if (result > 0)
            {
                _unsubmitted -= (uint)Math.Min(result, (int)_unsubmitted);
                continue;
            }
            // EINTR, or EAGAIN/EBUSY (the completion side is full until the reaper catches up): try again; what is left
            // goes with the next submit.
            if (result < 0 && result is not -IoUring.Interrupted and not -IoUring.TryAgain and not -IoUring.Busy) break;
        }
    }

    private bool TryTakeSlot(out int slot)
    {
        if (_freeCount == 0 && !Grow())
        {
            slot = -1;
            return false;
        }
        slot = _free[--_freeCount];
        return true;
    }

    // Another block of slots (under _gate). Allocates: only while the load grows past what it has seen.
    private bool Grow()
    {
        if (_slotCount + SlotsPerBlock > _maxSlots) return false;
        var block = (byte*)NativeMemory.Alloc(SlotsPerBlock * (nuint)SlotSize);
        if (_blockCount == _blocks.Length) Array.Resize(ref _blocks, _blocks.Length * 2);
        _blocks[_blockCount++] = (nint)block;
        var count = _slotCount + SlotsPerBlock;
        if (_owners.Length < count)
        {
            Array.Resize(ref _owners, count);
            Array.Resize(ref _uses, count);
            Array.Resize(ref _free, count);
        }
        for (var i = count - 1; i >= _slotCount; i--) _free[_freeCount++] = i;
        _slotCount = count;
        return true;
    }

    private byte* SlotAddress(int slot) => (byte*)_blocks[slot / SlotsPerBlock] + ((nint)(slot % SlotsPerBlock) * SlotSize);

    // The sender's thread: submits what is queued (with its wake-up read re-armed), waits in the kernel for completions
    // and frees the slots of finished sends.
    private static bool ApplyScheduling(MediaThreadPriority priority, out string? error) =>
        priority == MediaThreadPriority.Realtime ? MediaThreadScheduling.TryApplySender(out error) : MediaThreadScheduling.TryApply(priority, out error);

    // Real time first; refused, nice −10; refused too, normal. The first refusal is the one reported.
    private void Schedule(ScheduleCall schedule)
    {
        string? failure = null;
        for (var wanted = Priority; wanted != MediaThreadPriority.Normal; wanted--)
        {
            if (schedule(wanted, out var error))
            {
                EffectivePriority = wanted;
                SchedulingFailure = failure;
                return;
            }
            failure ??= error ?? "refused";
        }
        EffectivePriority = MediaThreadPriority.Normal;
        SchedulingFailure = failure;
    }

    private void Reap(ScheduleCall schedule, ManualResetEventSlim scheduled)
    {
        try
        {
            Schedule(schedule);
        }
        finally
        {
            scheduled.Set();
        }
        while (true)
        {
            uint toSubmit;
            lock (_gate)
            {
                if (!_wakeArmed && !_stopping && EnsureSqSpace(1))
                {
                    var read = NextSqe();
                    read[IoUring.SqeOpcode] = IoUring.OpRead;
                    *(int*)(read + IoUring.SqeFd) = _wakeFd;
                    *(ulong*)(read + IoUring.SqeAddr) = (ulong)(nint)_wakeBuffer;
                    *(uint*)(read + IoUring.SqeLen) = sizeof(long);
                    *(ulong*)(read + IoUring.SqeUserData) = KindWake << 32;
                    Volatile.Write(ref *_sqTail, _tail);
                    _wakeArmed = true;
                }
                toSubmit = _unsubmitted;
                _entering = toSubmit > 0;
            }
            // Submitted outside the lock: preparing a tick's entries (a timer armed per packet) takes the kernel long
            // enough that media threads queueing the next frames would wait on it. The kernel consumes entries in ring
            // order up to the tail it reads, so entries written meanwhile are safe and go with the next call.
            if (toSubmit > 0) Submitted(IoUring.Enter(_ringFd, toSubmit, 0, 0));
            var result = IoUring.Enter(_ringFd, 0, 1, IoUring.EnterGetEvents);
            if (result < 0 && result != -IoUring.Interrupted && result != -IoUring.Busy && result != -IoUring.TryAgain) return;
            lock (_gate)
            {
                var head = *_cqHead;
                var tail = Volatile.Read(ref *_cqTail);
                while (head != tail)
                {
                    var cqe = _cqes + ((head & _cqMask) * IoUring.CqeSize);
                    Complete(*(ulong*)cqe, *(int*)(cqe + 8));
                    head++;
                }
                Volatile.Write(ref *_cqHead, head);
                if (_stopping && _inFlight == 0) return;
            }
        }
    }

    private void Complete(ulong userData, int result)
    {
        var kind = (userData >> 32) & 0xFF;
        if (kind == KindWake) _wakeArmed = false;
        if (kind != KindSend) return; // timeouts, cancels and wake-ups carry no memory
        Release((int)(uint)userData, result);
    }

    // A packet's slot back (under _gate), with how its send ended: sent, cancelled (the sender disposed, or its session
    // closed: the send found no socket in the table) or failed.
    private void Release(int slot, int result)
    {
        var owner = _owners[slot];
        var cancelled = result == -IoUring.Cancelled || (result == -IoUring.BadDescriptor && owner is { Closed: true });
        if (result >= 0) _sent++;
        else if (cancelled) _cancelled++;
        else _failed++;
        _owners[slot] = null;
        _free[_freeCount++] = slot;
        _inFlight--;
        if (owner is null) return;
        if (result < 0 && !cancelled) owner.Failed++;
        if (--owner.Pending == 0 && owner.Closed)
        {
            FreeFileLocked(owner);
            owner.Drained?.TrySetResult();
        }
    }

    /// <summary>Cancels every queued packet, waits (up to 2 s) for the kernel to hand back their memory, and closes the ring.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        lock (_gate)
        {
            _stopping = true;
            // Staged packets never reached the ring: theirs is no completion to wait for.
            for (var i = 0; i < _stagedCount; i++) Release(_staged[i], -IoUring.Cancelled);
            _stagedCount = 0;
            // Cancelling a chain's timeout (the packet at its head) fails the sends linked behind it; a cancel naming a
            // packet that heads no chain finds nothing.
            for (var slot = 0; slot < _slotCount; slot++)
            {
                if (_owners[slot] is null) continue;
                QueueCancelLocked(UserData(slot, KindTimeout, _uses[slot]));
            }
            if (EnsureSqSpace(1))
            {
                var nop = NextSqe();
                nop[IoUring.SqeOpcode] = IoUring.OpNop;
                *(ulong*)(nop + IoUring.SqeUserData) = KindStop << 32;
                Volatile.Write(ref *_sqTail, _tail);
            }
        }
        Wake();
        // Memory is handed back only once the kernel is done with it: a reaper that did not finish (it cannot, short of a
        // kernel that stopped completing) leaves the ring and the slots mapped rather than freed under a pending send.
        if (!_reaper.Join(TimeSpan.FromSeconds(2))) return;
        IoUring.Close(_ringFd);
        IoUring.Close(_wakeFd);
        IoUring.Munmap(_sqes, _sqesSize);
        if (_cqRingSize != 0) IoUring.Munmap(_cqRing, _cqRingSize);
        IoUring.Munmap(_sqRing, _sqRingSize);
        for (var i = 0; i < _blockCount; i++) NativeMemory.Free((void*)_blocks[i]);
        _blockCount = 0;
    }
}
