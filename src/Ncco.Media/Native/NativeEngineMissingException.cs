namespace Ncco.Media.Native;

/// <summary>A native engine (shared library or model files) is not installed. The message names the Debian package.</summary>
public sealed class NativeEngineMissingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NativeEngineMissingException(string engine, string debianPackage, string? detail = null)
        : base($"{engine} is not available{(detail is null ? "" : $" ({detail})")}: install the Debian package '{debianPackage}' (apt-get install {debianPackage})")
    {
        Engine = engine;
        DebianPackage = debianPackage;
    }

    /// <summary>Creates the exception.</summary>
    public NativeEngineMissingException() : this("a native engine", "?")
    {
    }

    /// <summary>Creates the exception.</summary>
    public NativeEngineMissingException(string message) : base(message)
    {
        Engine = "?";
        DebianPackage = "?";
    }

    /// <summary>Creates the exception.</summary>
    public NativeEngineMissingException(string message, Exception innerException) : base(message, innerException)
    {
        Engine = "?";
        DebianPackage = "?";
    }

    /// <summary>Engine name (e.g. "libsndfile").</summary>
    public string Engine { get; }

    /// <summary>Debian package that provides it.</summary>
    public string DebianPackage { get; }
}
