namespace Ncco.Media.Tts;

/// <summary>One synthesis queued for the <see cref="EspeakSynthesisThread"/>.</summary>
internal sealed class EspeakJob(EspeakSession session, EspeakVoice voice, byte[] text, uint flags)
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EspeakSession Session => session;

    public EspeakVoice Voice => voice;

    /// <summary>The text as NUL-terminated UTF-8.</summary>
    public byte[] Text => text;

    public uint Flags => flags;

    /// <summary>Ends when the job has run; faults with the synthesis error.</summary>
    public Task Completion => _done.Task;

    public void Done(Exception? error)
    {
        if (error is null) _done.TrySetResult();
        else _done.TrySetException(error);
    }
}
