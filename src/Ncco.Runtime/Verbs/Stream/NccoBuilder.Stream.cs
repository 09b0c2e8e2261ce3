using Ncco.Model.Actions;

namespace Ncco;

public sealed partial class NccoBuilder
{
    /// <summary>Plays an audio file (MP3 or 16-bit WAV). See <see cref="StreamAction"/> for each option.</summary>
    /// <param name="streamUrl">The audio's absolute URL.</param>
    /// <param name="bargeIn">The NCCO moves on while it plays, and the next <c>input</c> stops it when the caller responds.</param>
    /// <param name="loop">How many times to play; 0 repeats until the call ends.</param>
    /// <param name="level">Volume from −1 to 1.</param>
    public NccoBuilder Stream(string streamUrl, bool bargeIn = false, int loop = TalkAction.DefaultLoop, double level = 0) =>
        Add(new StreamAction(ToUri(streamUrl, nameof(streamUrl))) { BargeIn = bargeIn, Loop = loop, Level = level });
}
