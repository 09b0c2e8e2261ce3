using System.Runtime.InteropServices;

namespace Ncco.Media.SoundFile;

/// <summary>P/Invoke declarations for libsndfile 1.x (Debian package libsndfile1).</summary>
internal static partial class SoundFileNative
{
    private const string Lib = "libsndfile.so.1";

    public const int ModeRead = 0x10;
    public const int ModeWrite = 0x20;
    public const int CommandSetCompressionLevel = 0x1301;
    public const int CommandSetBitrateMode = 0x1305;
    public const int BitrateModeConstant = 0;

    [StructLayout(LayoutKind.Sequential)]
    public struct Info
    {
        public long Frames;
        public int SampleRate;
        public int Channels;
        public int Format;
        public int Sections;
        public int Seekable;
    }

    [LibraryImport(Lib, EntryPoint = "sf_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Open(string path, int mode, ref Info info);

    [LibraryImport(Lib, EntryPoint = "sf_close")]
    public static partial int Close(nint file);

    [LibraryImport(Lib, EntryPoint = "sf_readf_short")]
    public static unsafe partial long ReadFramesShort(nint file, short* buffer, long frames);

    [LibraryImport(Lib, EntryPoint = "sf_writef_short")]
    public static unsafe partial long WriteFramesShort(nint file, short* buffer, long frames);

    [LibraryImport(Lib, EntryPoint = "sf_seek")]
    public static partial long Seek(nint file, long frames, int whence);

    [LibraryImport(Lib, EntryPoint = "sf_strerror")]
    public static partial nint StrError(nint file);

    [LibraryImport(Lib, EntryPoint = "sf_command")]
    public static unsafe partial int Command(nint file, int command, void* data, int size);

    [LibraryImport(Lib, EntryPoint = "sf_format_check")]
    public static partial int FormatCheck(ref Info info);

    [LibraryImport(Lib, EntryPoint = "sf_write_sync")]
    public static partial void WriteSync(nint file);

    public static string Error(nint file) => Marshal.PtrToStringUTF8(StrError(file)) ?? "unknown libsndfile error";
}
