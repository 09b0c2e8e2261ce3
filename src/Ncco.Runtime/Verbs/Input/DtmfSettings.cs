namespace Ncco.Model.Actions;

/// <summary>DTMF completion rules of an <c>input</c> action.</summary>
public sealed record DtmfSettings
{
    /// <summary>The documented default for <see cref="Timeout"/>, in seconds.</summary>
    public const int DefaultTimeout = 3;

    /// <summary>The documented default for <see cref="MaxDigits"/>.</summary>
    public const int DefaultMaxDigits = 4;

    /// <summary>Seconds of inactivity after the last key before the result is submitted (0–10). Default 3.</summary>
    public int Timeout { get; init; } = DefaultTimeout;

    /// <summary>Submit when this many digits were pressed (1–20). Default 4.</summary>
    public int MaxDigits { get; init; } = DefaultMaxDigits;

    /// <summary>Submit when <c>#</c> is pressed. Default false.</summary>
    public bool SubmitOnHash { get; init; }
}
