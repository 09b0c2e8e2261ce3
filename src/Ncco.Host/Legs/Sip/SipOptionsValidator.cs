using Microsoft.Extensions.Options;

namespace Ncco.Host.Legs.Sip;

/// <summary>
/// Checks <see cref="SipOptions"/> at start with the same rules the gateway applies (<see cref="SipSettings.From"/>), so a
/// bad SIP setting stops the host before it listens anywhere, as one line naming the key. Off when SIP is disabled.
/// </summary>
internal sealed class SipOptionsValidator : IValidateOptions<SipOptions>
{
    public ValidateOptionsResult Validate(string? name, SipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name != Options.DefaultName || !options.Enabled) return ValidateOptionsResult.Skip;
        try
        {
            SipSettings.From(options);
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
