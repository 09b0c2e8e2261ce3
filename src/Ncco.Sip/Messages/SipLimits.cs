namespace Ncco.Sip.Messages;

/// <summary>Bounds the parser enforces before doing any work on hostile input.</summary>
public sealed record SipLimits
{
    /// <summary>Largest message accepted, headers and body (bytes). UDP cannot carry more than 65,507 anyway.</summary>
    public int MaxMessageBytes { get; init; } = 65_535;

    /// <summary>Most header fields (after list splitting) in one message.</summary>
    public int MaxHeaderCount { get; init; } = 128;

    /// <summary>Longest header line after unfolding (characters).</summary>
    public int MaxHeaderLineLength { get; init; } = 8_192;

    /// <summary>The defaults.</summary>
    public static SipLimits Default { get; } = new();
}
