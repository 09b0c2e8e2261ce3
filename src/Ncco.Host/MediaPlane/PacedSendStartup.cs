using Ncco.Host.Configuration;
using Ncco.Media.Pcm;
using Ncco.Rtp.Sessions;

namespace Ncco.Host.MediaPlane;

/// <summary>Makes the kernel-timed sender; null with the reason when it cannot (see <see cref="PacedSender.TryCreate(TimeSpan, int, MediaThreadPriority, out string?)"/>).</summary>
internal delegate PacedSender? PacerFactory(TimeSpan lead, MediaThreadPriority priority, out string? failure);

/// <summary>
/// What <c>Ncco:Media:PacedSend</c> comes to when the media plane starts: the sender the legs' RTP goes through, or
/// none, logged once either way. <see cref="PacedSendMode.Auto"/> keeps the sender only where its thread got SCHED_FIFO:
/// every figure that met the media-timing aims was taken so, and at nice −10 each packet waits for that thread to get a
/// core — worse than sending at once on a busy machine (bench/side-by-side/RESULTS.md, src/Ncco.Host/MediaPlane/README.md).
/// The thread learns what it was granted only once it runs, so Auto makes the sender and drops it when refused.
/// </summary>
internal static class PacedSendStartup
{
    /// <summary>
    /// The sender for <paramref name="settings"/>, or null (off, a test clock — whose deadlines do not follow the kernel's
    /// monotonic clock — io_uring refused, or Auto without SCHED_FIFO). <paramref name="factory"/> is the capability
    /// check: it makes the ring and starts the thread, which asks for its scheduling.
    /// </summary>
    public static PacedSender? Create(MediaOptions settings, bool systemClock, ILogger logger, PacerFactory factory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(factory);
        if (settings.PacedSend == PacedSendMode.Off || !systemClock) return null;
        var lead = TimeSpan.FromMilliseconds(settings.SendLeadMilliseconds);
        if (settings.PacedSend == PacedSendMode.Auto && settings.PacerPriority != MediaThreadPriority.Realtime)
        {
            logger.PacedSendAutoOff($"Ncco:Media:PacerPriority is {settings.PacerPriority}, and Auto sends by the kernel only from a real-time thread");
            return null;
        }
        var pacer = factory(lead, settings.PacerPriority, out var failure);
        if (pacer is null)
        {
            if (settings.PacedSend == PacedSendMode.Auto) logger.PacedSendAutoOff($"io_uring unavailable: {failure ?? "unknown"}");
            else logger.PacedSendUnavailable(failure ?? "unknown");
            return null;
        }
        var refusal = AutoRefusal(settings.PacedSend, pacer.EffectivePriority, pacer.SchedulingFailure);
        if (refusal is not null)
        {
            pacer.Dispose();
            logger.PacedSendAutoOff(refusal);
            return null;
        }
        logger.PacedSendOn(settings.SendLeadMilliseconds);
        if (pacer.SchedulingFailure is { } refused) logger.PacerPriorityRefused(pacer.EffectivePriority, pacer.Priority, refused);
        return pacer;
    }

    /// <summary>
    /// Why <paramref name="mode"/> drops a sender whose thread runs at <paramref name="effective"/>; null: keep it.
    /// Only <see cref="PacedSendMode.Auto"/> drops one, and only below real time.
    /// </summary>
    public static string? AutoRefusal(PacedSendMode mode, MediaThreadPriority effective, string? schedulingFailure) =>
        mode != PacedSendMode.Auto || effective == MediaThreadPriority.Realtime
            ? null
            : $"the sender's thread was refused SCHED_FIFO ({schedulingFailure ?? $"it runs at {effective}"}); grant CAP_SYS_NICE or RLIMIT_RTPRIO ≥ 11, or set Ncco:Media:PacedSend=On to send by the kernel at {effective}";
}
