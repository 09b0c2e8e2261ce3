using System.Runtime.InteropServices;

namespace Ncco.Rtp.Sessions;

/// <summary>
/// The Linux <c>io_uring</c> system calls and the parts of its ABI the paced sender uses (see <c>io_uring_setup(2)</c>,
/// <c>io_uring_enter(2)</c> and <c>&lt;linux/io_uring.h&gt;</c>), called through libc's <c>syscall</c> and <c>mmap</c>:
/// no native library to build or ship.
/// </summary>
internal static unsafe partial class IoUring
{
    // The generic syscall table's numbers, the same on x86-64 and arm64.
    public const long SetupSyscall = 425;
    public const long EnterSyscall = 426;
    public const long RegisterSyscall = 427;

    // io_uring_register opcodes: a table of descriptors the ring's requests name by index (IOSQE_FIXED_FILE), and
    // replacing entries of it.
    public const uint RegisterFiles = 2;
    public const uint RegisterFilesUpdate = 6;

    public const byte OpNop = 0;
    public const byte OpSendMsg = 9;
    public const byte OpTimeout = 11;
    public const byte OpAsyncCancel = 14;
    public const byte OpRead = 22;

    /// <summary>IOSQE_IO_LINK: the next entry starts only when this one completed successfully.</summary>
    public const byte SqeFixedFile = 1 << 0;
    public const byte SqeIoLink = 1 << 2;
    // Linked like SqeIoLink, but the chain goes on when this request fails (one leg's failed send does not cancel the
    // other legs' sends behind it).
    public const byte SqeIoHardLink = 1 << 3;

    /// <summary>IORING_TIMEOUT_ABS: the timespec is an absolute CLOCK_MONOTONIC time.</summary>
    public const uint TimeoutAbsolute = 1 << 0;

    /// <summary>IORING_TIMEOUT_ETIME_SUCCESS: an expired timeout counts as success, so it does not sever its link.</summary>
    public const uint TimeoutExpiredIsSuccess = 1 << 5;

    /// <summary>IORING_SETUP_SUBMIT_ALL: one entry failing its preparation does not stop the rest of the batch.</summary>
    public const uint SetupSubmitAll = 1 << 7;

    public const uint FeatureSingleMmap = 1 << 0;
    public const uint EnterGetEvents = 1 << 0;

    public const long OffsetSqRing = 0;
    public const long OffsetCqRing = 0x8000000;
    public const long OffsetSqes = 0x10000000;

    public const int SqeSize = 64;
    public const int CqeSize = 16;

    public const int Interrupted = 4;  // EINTR
    public const int BadDescriptor = 9; // EBADF
    public const int TryAgain = 11;    // EAGAIN
    public const int Busy = 16;        // EBUSY
    public const int Cancelled = 125;  // ECANCELED

    // Offsets of struct io_uring_sqe's fields.
    public const int SqeOpcode = 0;
    public const int SqeFlags = 1;
    public const int SqeFd = 4;
    public const int SqeOff = 8;
    public const int SqeAddr = 16;
    public const int SqeLen = 24;
    public const int SqeOpFlags = 28;
    public const int SqeUserData = 32;

    /// <summary>struct io_uring_params (120 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Params
    {
        public uint SqEntries;
        public uint CqEntries;
        public uint Flags;
        public uint SqThreadCpu;
        public uint SqThreadIdle;
        public uint Features;
        public uint WqFd;
        public uint Reserved0;
        public uint Reserved1;
        public uint Reserved2;
        public SqOffsets Sq;
        public CqOffsets Cq;
    }

    /// <summary>struct io_sqring_offsets.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SqOffsets
    {
        public uint Head;
        public uint Tail;
        public uint RingMask;
        public uint RingEntries;
        public uint Flags;
        public uint Dropped;
        public uint Array;
        public uint Reserved1;
        public ulong UserAddress;
    }

    /// <summary>struct io_cqring_offsets.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct CqOffsets
    {
        public uint Head;
        public uint Tail;
        public uint RingMask;
        public uint RingEntries;
        public uint Overflow;
        public uint Cqes;
        public uint Flags;
        public uint Reserved1;
        public ulong UserAddress;
    }

    /// <summary>io_uring_setup: the ring's descriptor, or minus the errno.</summary>
    public static int Setup(uint entries, Params* parameters)
    {
        var fd = Syscall(SetupSyscall, entries, (nint)parameters, 0, 0, 0, 0);
        return fd >= 0 ? (int)fd : -Marshal.GetLastPInvokeError();
    }

    /// <summary>io_uring_enter: entries consumed, or minus the errno.</summary>
    public static int Enter(int ringFd, uint toSubmit, uint minComplete, uint flags)
    {
        var result = Syscall(EnterSyscall, ringFd, toSubmit, minComplete, flags, 0, 0);
        return result >= 0 ? (int)result : -Marshal.GetLastPInvokeError();
    }

    public static int Register(int ringFd, uint opcode, void* argument, uint count)
    {
        var result = Syscall(RegisterSyscall, ringFd, opcode, (nint)argument, count, 0, 0);
        return result >= 0 ? (int)result : -Marshal.GetLastPInvokeError();
    }

    /// <summary>Puts <paramref name="fd"/> (−1: none) at <paramref name="index"/> of the ring's descriptor table.</summary>
    public static int UpdateFile(int ringFd, int index, int fd)
    {
        // struct io_uring_files_update: offset, reserved, a pointer to the descriptors.
        var update = stackalloc ulong[2];
        update[0] = (uint)index;
        update[1] = (ulong)(nint)(&fd);
        return Register(ringFd, RegisterFilesUpdate, update, 1);
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    public const int ProtRead = 1;
    public const int ProtWrite = 2;
    public const int MapShared = 1;
    public const int MapPopulate = 0x8000;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    public const int EventFdCloseOnExec = 0x80000; // EFD_CLOEXEC

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, TimeSpec* time);

    /// <summary>CLOCK_MONOTONIC now, in nanoseconds: the clock absolute io_uring timeouts are measured on.</summary>
    public static long MonotonicNanoseconds()
    {
        TimeSpec now;
        ClockGetTime(1, &now); // CLOCK_MONOTONIC
        return (now.Seconds * 1_000_000_000L) + now.Nanoseconds;
    }
}
