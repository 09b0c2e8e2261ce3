namespace Ncco.Media.Wav;

/// <summary>Audio data that cannot be decoded: the message names the source and the reason.</summary>
public sealed class InvalidAudioException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidAudioException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public InvalidAudioException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidAudioException()
    {
    }
}
