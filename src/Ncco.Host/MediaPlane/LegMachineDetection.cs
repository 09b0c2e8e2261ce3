using Ncco.Legs;
using Ncco.Media.Amd;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// Answering-machine detection on one answered leg's received audio (<see cref="IMediaPlane.StartMachineDetection"/>),
/// fed by <see cref="LegMedia"/> every tick on the media thread — the same for SIP, WebSocket and browser legs. Reports
/// the verdict, then (when asked) the beep, through the leg's sink; the VM times <c>beep_timeout</c> itself, so a
/// beep timeout here only ends the listening. Ticks with no audio received count as silence: time passes for the
/// party as it does for the VM (a line that stays silent is what a late-starting machine sounds like).
/// Allocation-free per frame (the detector is).
/// </summary>
internal sealed class LegMachineDetection
{
    private readonly AnsweringMachineDetector _detector;
    private readonly ILegEventSink? _sink;
    private readonly bool _listenForBeep;

    public LegMachineDetection(MediaMachineDetectionRequest request, ILegEventSink? sink)
    {
        _sink = sink;
        _listenForBeep = request.BeepTimeout is not null;
        _detector = new AnsweringMachineDetector(MediaThread.SampleRate, AmdOptions.Default with
        {
            TotalAnalysis = request.AnalysisTime,
            BeepTimeout = request.BeepTimeout ?? TimeSpan.Zero,
        });
    }

    /// <summary>Consumes one 20 ms frame at <see cref="MediaThread.SampleRate"/>; true once there is nothing more to report.</summary>
    public bool Process(ReadOnlySpan<short> frame)
    {
        if (_detector.Process(frame) is not { } e) return false;
        if (e.IsBeepTimeout) return true;
        _sink?.MachineDetection(e.Verdict == AmdVerdict.Machine, e.IsBeep);
        return e.Verdict == AmdVerdict.Human || e.IsBeep || !_listenForBeep;
    }
}
