using System.Text;

namespace Ncco.Sip.Messages;

/// <summary>A SIP request.</summary>
public sealed record SipRequest : SipMessage
{
    /// <summary>The method (case-sensitive).</summary>
    public required string Method { get; init; }

    /// <summary>The Request-URI.</summary>
    public required SipUri Uri { get; init; }

    /// <inheritdoc />
    protected override void AppendStartLine(StringBuilder builder) => builder.Append(Method).Append(' ').Append(Uri).Append(" SIP/2.0");

    /// <inheritdoc />
    private protected override string StartLine() => string.Concat(Method, " ", Uri.ToString(), " SIP/2.0");

    /// <summary>Typed copy helpers so callers keep the request type.</summary>
    public new SipRequest WithHeader(string name, string value) => (SipRequest)base.WithHeader(name, value);

    /// <summary>A copy with a header appended.</summary>
    public new SipRequest AddHeader(string name, string value) => (SipRequest)base.AddHeader(name, value);

    /// <summary>A copy without the header.</summary>
    public new SipRequest WithoutHeader(string name) => (SipRequest)base.WithoutHeader(name);

    /// <summary>A copy with a Via pushed on top.</summary>
    public SipRequest PushVia(ViaHeader via) => this with { Headers = Headers.Insert(0, new SipHeader(HeaderNames.Via, via.ToString())) };
}
