namespace Ncco.Host.Configuration;

/// <summary>Where recordings, saved speech and transcripts are kept (<c>Ncco:Recordings</c>).</summary>
public sealed class RecordingsOptions
{
    /// <summary>
    /// The folder of the files (default <c>&lt;DataDirectory&gt;/recordings</c>; a relative path is taken under
    /// <c>Ncco:DataDirectory</c>). In a cluster, point every node at one shared folder (an NFS or SMB mount, or one local
    /// folder when the nodes share a machine): a finished recording is then downloadable from any node, since its row
    /// is in the shared store too. Files are written as <c>&lt;id&gt;.partial.wav</c> and renamed when durable, and
    /// each partial recording's claim names the node writing it, so a node recovering from a crash adopts only its own.
    /// </summary>
    public string? Directory { get; set; }
}
