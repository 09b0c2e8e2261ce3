namespace Ncco.Rtp.Sessions;

/// <summary>What <see cref="PacedSender"/> did with a packet.</summary>
internal enum PacedSendResult
{
    /// <summary>Queued for its instant.</summary>
    Queued,

    /// <summary>Not queued (too large, no slot): send it at once.</summary>
    SendNow,

    /// <summary>The stream is closed: drop it.</summary>
    Closed,
}
