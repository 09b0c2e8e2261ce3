namespace Ncco.Media.Amd;

/// <summary>
/// Cadence thresholds of <see cref="AnsweringMachineDetector"/> (the classic energy/cadence method: people say a short
/// "hello?" and wait; machines start late or talk for long).
/// </summary>
/// <param name="InitialSilence">Silence before any speech that means a machine.</param>
/// <param name="MaxGreeting">Speech longer than this (one stretch) means a machine.</param>
/// <param name="AfterGreetingSilence">Silence after a short greeting that means a human.</param>
/// <param name="MaxWords">More words than this in the greeting means a machine.</param>
/// <param name="MinWord">Shortest voiced stretch counted as a word.</param>
/// <param name="TotalAnalysis">Give up after this and answer human (the platform only has human/machine).</param>
/// <param name="BeepTimeout">How long to keep listening for the beep after a machine verdict (<c>beep_timeout</c>).</param>
public sealed record AmdOptions(
    TimeSpan InitialSilence,
    TimeSpan MaxGreeting,
    TimeSpan AfterGreetingSilence,
    int MaxWords,
    TimeSpan MinWord,
    TimeSpan TotalAnalysis,
    TimeSpan BeepTimeout)
{
    /// <summary>Defaults: 2.5 s, 1.5 s, 0.8 s, 3 words, 100 ms, 5 s, 45 s.</summary>
    public static AmdOptions Default { get; } = new(
        TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(0.8), 3,
        TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(45));
}
