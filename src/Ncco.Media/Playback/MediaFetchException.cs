namespace Ncco.Media.Playback;

/// <summary>A <c>streamUrl</c> could not be fetched or decoded; the message names the URL and the reason.</summary>
public sealed class MediaFetchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MediaFetchException(Uri url, string reason, Exception? inner = null)
        : base($"cannot play stream URL '{url}': {reason}", inner)
    {
        Url = url;
    }

    /// <summary>Creates the exception.</summary>
    public MediaFetchException() : base("cannot play stream URL")
    {
    }

    /// <summary>Creates the exception.</summary>
    public MediaFetchException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MediaFetchException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The URL.</summary>
    public Uri? Url { get; }
}
