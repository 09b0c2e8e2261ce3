namespace Ncco.Host.MediaPlane;

/// <summary>
/// Told by the media thread once a tick's flush has handed every leg's frame to its transport
/// (<see cref="MediaThread.AfterFlush"/>): a sender that was only queued during the flush starts its work here, once per
/// tick, instead of once per leg while the flush is still running.
/// </summary>
internal interface ITickFlushListener
{
    /// <summary>The tick's flush is done (the ticking thread; must not block or allocate).</summary>
    void TickFlushed();
}
