using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Model.Actions;

namespace Ncco.Handlers;

/// <summary>
/// <c>talk</c>: blocking until played <c>loop</c> times, unless barge-in (its own <c>bargeIn</c> or the sticky rule),
/// in which case it is queued as background audio that the next <c>input</c> stops when the party barges in.
/// </summary>
public sealed class TalkHandler : IActionHandler
{
    /// <inheritdoc />
    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var talk = (TalkAction)context.Action;
        var bargeIn = talk.BargeIn || context.BargeInSticky;
        var playback = context.Leg.NewPlayback(PlaybackKind.Talk) with
        {
            Text = talk.Text, Language = talk.Language, Style = talk.Style, Premium = talk.Premium,
            Loop = talk.Loop, Level = talk.Level, BargeIn = bargeIn,
        };
        return await PlaybackRules.PlayAsync(context, playback, bargeIn, cancellationToken);
    }
}
