namespace Ncco.Host.MediaPlane;

/// <summary>
/// What a leg transport (WebSocket, browser phone, SIP/RTP) gives the media thread. Called on the media thread only;
/// implementations must not block and should not allocate per frame.
/// </summary>
internal interface IMediaTransport
{
    /// <summary>The transport's sample rate (8000, 16000 or 24000); frames are 20 ms at this rate.</summary>
    int SampleRate { get; }

    /// <summary>Takes the next received 20 ms frame into <paramref name="frame"/>; false when none is ready (silence).</summary>
    bool ReadInbound(Span<short> frame);

    /// <summary>Sends one 20 ms frame of what the leg hears.</summary>
    void WriteOutbound(ReadOnlySpan<short> frame);

    /// <summary>Another leg of the conversation pressed <paramref name="digit"/> (detected in its audio).</summary>
    void ConversationDtmf(char digit, int durationMilliseconds);
}
