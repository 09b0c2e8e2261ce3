namespace Ncco.Media.Amd;

/// <summary>Something the detector decided.</summary>
/// <param name="Verdict">Human or machine (repeated on the beep event).</param>
/// <param name="Reason">Why: <c>short_greeting</c>, <c>initial_silence</c>, <c>long_greeting</c>, <c>too_many_words</c>, <c>not_sure</c>.</param>
/// <param name="IsBeep">True for the beep event (<c>sub_state: beep_start</c>).</param>
/// <param name="IsBeepTimeout">True when no beep came within the beep timeout (<c>sub_state: beep_timeout</c>).</param>
/// <param name="AtSample">Sample index (since answer) where it happened.</param>
public readonly record struct AmdEvent(AmdVerdict Verdict, string Reason, bool IsBeep, bool IsBeepTimeout, long AtSample);
