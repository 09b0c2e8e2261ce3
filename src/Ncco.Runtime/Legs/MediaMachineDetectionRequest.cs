namespace Ncco.Legs;

/// <summary>
/// Answering-machine detection asked of the media plane for an answered outbound leg
/// (<see cref="IMediaPlane.StartMachineDetection"/>).
/// </summary>
/// <param name="LegId">The answered leg whose received audio is analysed; the verdict goes to its sink.</param>
/// <param name="AnalysisTime">
/// Longest analysis: the plane reports <c>human</c> when it cannot decide within this much audio (the platform has
/// no "unknown" verdict).
/// </param>
/// <param name="BeepTimeout">
/// When set, keep listening for the voicemail beep this long after a <c>machine</c> verdict and report it; null when
/// the mode sends no beep events (standard detection, <c>mode: detect</c>). The VM times the <c>beep_timeout</c>
/// event itself; the plane only stops listening.
/// </param>
public sealed record MediaMachineDetectionRequest(string LegId, TimeSpan AnalysisTime, TimeSpan? BeepTimeout);
