namespace Ncco.Media.Dtmf;

/// <summary>A key seen by <see cref="DtmfDetector"/>: reported once when it starts and once when it ends.</summary>
/// <param name="Digit">The key (0–9, *, #, A–D).</param>
/// <param name="IsEnd">False for the start report, true for the end report.</param>
/// <param name="StartSample">Sample index (since the detector started) where the tone was first seen.</param>
/// <param name="DurationMilliseconds">Measured tone duration (on the end report; 0 on the start report).</param>
public readonly record struct DtmfDetection(char Digit, bool IsEnd, long StartSample, int DurationMilliseconds);
