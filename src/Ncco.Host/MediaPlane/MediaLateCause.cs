namespace Ncco.Host.MediaPlane;

/// <summary>What made media frames late (<c>ncco.media.frames_late_cause</c>).</summary>
internal enum MediaLateCause
{
    /// <summary>The thread was ready to sleep before the deadline and got a core back after it (the scheduler).</summary>
    Wake,

    /// <summary>The previous tick's own work (commands, audio, sends) ran past this deadline.</summary>
    Overrun,

    /// <summary>A garbage collection paused the process since the previous wake-up.</summary>
    Gc,
}
