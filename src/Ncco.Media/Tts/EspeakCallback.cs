using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ncco.Media.Tts;

/// <summary>espeak-ng's synthesis callback: routes each buffer of audio to the <see cref="EspeakSession"/> of its synthesis.</summary>
internal static class EspeakCallback
{
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static unsafe int OnSynth(short* wav, int count, byte* events)
    {
        if (events == null)
        {
            return 0;
        }
        var userData = *(nint*)(events + EspeakNative.UserDataOffset);
        if (userData == 0 || GCHandle.FromIntPtr(userData).Target is not EspeakSession session)
        {
            return 0;
        }
        if (session.IsAborted)
        {
            return 1;
        }
        if (wav != null && count > 0)
        {
            session.Push(new ReadOnlySpan<short>(wav, count));
        }
        return 0;
    }
}
