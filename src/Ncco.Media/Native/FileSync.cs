using System.Runtime.InteropServices;

namespace Ncco.Media.Native;

/// <summary>Durability helpers: fsync a file and its directory (so a rename survives a power cut).</summary>
public static partial class FileSync
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on Linux

    /// <summary>Flushes a file's data and metadata to disk.</summary>
    public static void File(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        fs.Flush(flushToDisk: true);
    }

    /// <summary>Flushes a directory entry (after create/rename). No-op on non-Linux systems.</summary>
    public static void DirectoryOf(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        var fd = Open(dir, ReadOnly | Directory);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory '{dir}' to sync it (errno {Marshal.GetLastPInvokeError()})");
        }
        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{dir}' failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Atomically replaces <paramref name="destination"/> with a fully synced <paramref name="source"/>.</summary>
    public static void CommitRename(string source, string destination)
    {
        File(source);
        System.IO.File.Move(source, destination, overwrite: true);
        DirectoryOf(destination);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
