namespace Ncco.Sip.Messages;

/// <summary>Method names this stack acts on. Methods are case-sensitive tokens (RFC 3261 §7.1).</summary>
public static class SipMethods
{
    /// <summary>INVITE.</summary>
    public const string Invite = "INVITE";
    /// <summary>ACK.</summary>
    public const string Ack = "ACK";
    /// <summary>BYE.</summary>
    public const string Bye = "BYE";
    /// <summary>CANCEL.</summary>
    public const string Cancel = "CANCEL";
    /// <summary>OPTIONS.</summary>
    public const string Options = "OPTIONS";
    /// <summary>REGISTER.</summary>
    public const string Register = "REGISTER";
    /// <summary>UPDATE (RFC 3311), accepted for session refresh.</summary>
    public const string Update = "UPDATE";
    /// <summary>INFO.</summary>
    public const string Info = "INFO";

    /// <summary>PRACK (RFC 3262): acknowledges a reliable provisional response.</summary>
    public const string Prack = "PRACK";

    /// <summary>REFER (RFC 3515): the peer asks us to call someone (a transfer).</summary>
    public const string Refer = "REFER";

    /// <summary>NOTIFY (RFC 6665): reports a subscription's state; we send it for REFER progress.</summary>
    public const string Notify = "NOTIFY";

    /// <summary>SUBSCRIBE (RFC 6665): refreshes or ends the implicit subscription of a REFER.</summary>
    public const string Subscribe = "SUBSCRIBE";

    private static readonly string[] Known = [Invite, Ack, Bye, Cancel, Options, Register, Update, Info, Prack, Refer, Notify, Subscribe];

    /// <summary>The constant for a method this stack knows (methods are case-sensitive), else a new string.</summary>
    internal static string Canonical(ReadOnlySpan<char> method)
    {
        foreach (var known in Known)
        {
            if (method.SequenceEqual(known))
            {
                return known;
            }
        }
        return method.ToString();
    }
}
