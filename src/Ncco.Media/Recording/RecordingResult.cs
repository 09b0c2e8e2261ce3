namespace Ncco.Media.Recording;

/// <summary>A finished recording: the file is complete and fsynced when this is returned.</summary>
/// <param name="Path">Final file path.</param>
/// <param name="Format">Format written.</param>
/// <param name="Channels">Channels written.</param>
/// <param name="SampleRate">Sample rate written.</param>
/// <param name="Duration">Audio duration.</param>
/// <param name="SizeBytes">File size.</param>
/// <param name="EndReason">Why it stopped.</param>
/// <param name="EndKey">The key that stopped it, for <see cref="RecordingEndReason.Key"/>.</param>
public sealed record RecordingResult(string Path, RecordingFormat Format, int Channels, int SampleRate, TimeSpan Duration, long SizeBytes, RecordingEndReason EndReason, char? EndKey);
