using Ncco.Model;
using Ncco.Model.Actions;

namespace Ncco;

public sealed partial class NccoBuilder
{
    /// <summary>
    /// Collects key presses and/or speech and posts the result to <paramref name="eventUrl"/>. The DTMF and speech
    /// options are their settings records, as on the wire:
    /// <code>
    /// .Input(InputTypes.Dtmf, "https://example.com/menu", dtmf: new() { MaxDigits = 1, Timeout = 5 })
    /// .Input(InputTypes.Speech, "https://example.com/ask", speech: new() { Language = "en-GB", Context = ["sales", "support"] })
    /// </code>
    /// </summary>
    /// <param name="type">What to listen for; DTMF and speech may be combined.</param>
    /// <param name="eventUrl">The result webhook; absent means the call's event URL.</param>
    /// <param name="dtmf">When key input completes (only with <see cref="InputTypes.Dtmf"/>); absent means the defaults.</param>
    /// <param name="speech">Speech recognition settings (only with <see cref="InputTypes.Speech"/>); absent means the defaults.</param>
    /// <param name="mode">Asynchronous posts each key as pressed and moves on (DTMF only).</param>
    /// <param name="eventMethod">The result webhook's method.</param>
    public NccoBuilder Input(InputTypes type, string? eventUrl = null, DtmfSettings? dtmf = null, SpeechSettings? speech = null,
        InputMode mode = InputMode.Synchronous, WebhookMethod eventMethod = WebhookMethod.Post) =>
        Add(new InputAction(type)
        {
            Dtmf = dtmf,
            Speech = speech,
            EventUrl = ToUriOrNull(eventUrl, nameof(eventUrl)),
            EventMethod = eventMethod,
            Mode = mode,
        });
}
