using Ncco.Legs;

namespace Ncco.Host.Tests.Support;

/// <summary>
/// An <see cref="ILegEventSink"/> that ignores everything: tests that drive the media thread directly derive from it
/// and override only the reports they check.
/// </summary>
internal abstract class LegEventSinkBase : ILegEventSink
{
    public virtual void Ringing() { }
    public virtual void Answered() { }
    public virtual void Busy() { }
    public virtual void Unanswered(string detail = "unavailable") { }
    public virtual void Rejected(string detail = "declined") { }
    public virtual void Failed(string detail = "cannot_route") { }
    public virtual void MachineDetection(bool isMachine, bool beep = false) { }
    public virtual void Digit(char digit) { }
    public virtual void Speech(string text, double confidence, TimeSpan duration, string? audioFileId = null) { }
    public virtual void Audio(TimeSpan duration) { }
    public virtual void PlaybackFinished(long playbackId) { }
    public virtual void HungUp() { }
}
