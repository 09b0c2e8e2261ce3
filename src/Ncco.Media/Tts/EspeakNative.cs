using System.Runtime.InteropServices;

namespace Ncco.Media.Tts;

/// <summary>P/Invoke declarations for libespeak-ng 1.x (Debian package libespeak-ng1, data in espeak-ng-data).</summary>
internal static unsafe partial class EspeakNative
{
    private const string Lib = "libespeak-ng.so.1";

    public const int OutputSynchronous = 2;
    public const int InitializeDontExit = 0x8000;
    public const uint CharsUtf8 = 1;
    public const uint Ssml = 0x10;
    public const uint EndPause = 0x1000;
    public const int PositionCharacter = 1;
    public const int ParameterRate = 1;
    public const int ParameterVolume = 2;
    public const int ParameterPitch = 3;
    public const int UserDataOffset = 24; // espeak_EVENT.user_data on LP64

    [LibraryImport(Lib, EntryPoint = "espeak_Initialize", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Initialize(int output, int bufferMilliseconds, string? path, int options);

    [LibraryImport(Lib, EntryPoint = "espeak_SetSynthCallback")]
    public static partial void SetSynthCallback(delegate* unmanaged[Cdecl]<short*, int, byte*, int> callback);

    [LibraryImport(Lib, EntryPoint = "espeak_SetVoiceByName", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetVoiceByName(string name);

    [LibraryImport(Lib, EntryPoint = "espeak_SetParameter")]
    public static partial int SetParameter(int parameter, int value, int relative);

    [LibraryImport(Lib, EntryPoint = "espeak_Synth")]
    public static partial int Synth(byte* text, nuint size, uint position, int positionType, uint endPosition, uint flags, uint* uniqueIdentifier, nint userData);
}
