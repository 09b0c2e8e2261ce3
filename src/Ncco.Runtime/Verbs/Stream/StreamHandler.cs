using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Model.Actions;

namespace Ncco.Handlers;

/// <summary><c>stream</c>: same blocking/barge-in rules as <c>talk</c>.</summary>
public sealed class StreamHandler : IActionHandler
{
    /// <inheritdoc />
    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stream = (StreamAction)context.Action;
        var bargeIn = stream.BargeIn || context.BargeInSticky;
        var playback = context.Leg.NewPlayback(PlaybackKind.Stream) with { Url = stream.StreamUrl, Loop = stream.Loop, Level = stream.Level, BargeIn = bargeIn };
        return await PlaybackRules.PlayAsync(context, playback, bargeIn, cancellationToken);
    }
}
