using System.ComponentModel;
using System.Globalization;

namespace Ncco.Host.Configuration;

/// <summary>
/// Whether SIP legs' RTP is sent by the kernel at each packet's instant (<c>Ncco:Media:PacedSend</c>). The settings
/// <c>true</c> and <c>false</c> of the earlier boolean key still read as <see cref="On"/> and <see cref="Off"/>.
/// </summary>
[TypeConverter(typeof(PacedSendModeConverter))]
[Description("Auto, On or Off (true and false read as On and Off)")]
public enum PacedSendMode
{
    /// <summary>
    /// The default: on where it pays off — io_uring is available and the sender's thread is granted SCHED_FIFO
    /// (root, <c>CAP_SYS_NICE</c> or <c>RLIMIT_RTPRIO</c>) — otherwise off, said once in the log (event 3009).
    /// </summary>
    Auto,

    /// <summary>Packets are sent as each tick flushes them (<c>false</c>).</summary>
    Off,

    /// <summary>
    /// Packets are sent by the kernel wherever io_uring is available, at whatever priority the sender's thread gets
    /// (<c>true</c>).
    /// </summary>
    On,
}

/// <summary>
/// Reads <see cref="PacedSendMode"/> from configuration: its names (any case) and the boolean <c>true</c> / <c>false</c>
/// of the key's first form. Numbers are refused: <c>0</c> and <c>1</c> would read as the enum's values (Auto, Off), the
/// opposite of what a boolean reader means by them; so are comma-joined names.
/// </summary>
internal sealed class PacedSendModeConverter() : EnumConverter(typeof(PacedSendMode))
{
    /// <inheritdoc />
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        if (value is not string text) return base.ConvertFrom(context, culture, value);
        var trimmed = text.Trim();
        if (bool.TryParse(trimmed, out var on)) return on ? PacedSendMode.On : PacedSendMode.Off;
        // One name only: Enum.TryParse also reads numbers and comma-joined names ("Auto,On" would be On).
        if (trimmed.Length > 0 && char.IsAsciiLetter(trimmed[0]) && !trimmed.Contains(',', StringComparison.Ordinal)
            && Enum.TryParse<PacedSendMode>(trimmed, ignoreCase: true, out var mode) && Enum.IsDefined(mode))
            return mode;
        throw new FormatException($"'{text}' is not Auto, On, Off, true or false");
    }
}
