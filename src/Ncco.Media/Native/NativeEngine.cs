using System.Runtime.InteropServices;

namespace Ncco.Media.Native;

/// <summary>One native library and where it comes from.</summary>
/// <param name="Name">Engine name.</param>
/// <param name="LibraryName">Shared object loaded by P/Invoke.</param>
/// <param name="DebianPackage">Package that installs it.</param>
public sealed record NativeEngine(string Name, string LibraryName, string DebianPackage)
{
    /// <summary>Whether the library can be loaded.</summary>
    public bool IsAvailable
    {
        get
        {
            if (!NativeLibrary.TryLoad(LibraryName, out var handle))
            {
                return false;
            }
            NativeLibrary.Free(handle);
            return true;
        }
    }

    /// <summary>Throws <see cref="NativeEngineMissingException"/> when the library cannot be loaded.</summary>
    public void EnsureAvailable()
    {
        if (!IsAvailable)
        {
            throw new NativeEngineMissingException(Name, DebianPackage, $"cannot load {LibraryName}");
        }
    }
}
