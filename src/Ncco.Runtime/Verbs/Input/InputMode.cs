namespace Ncco.Model;

/// <summary>How an <c>input</c> action reports digits (<c>mode</c>).</summary>
public enum InputMode
{
    /// <summary>One result webhook when input completes; the NCCO waits. The default.</summary>
    Synchronous,

    /// <summary>Each digit is posted as it is pressed and the NCCO moves on (DTMF only).</summary>
    Asynchronous,
}
