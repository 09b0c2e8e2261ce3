using System.Threading.Channels;
using Ncco.Media.Resampling;

namespace Ncco.Media.Tts;

/// <summary>
/// The receiving end of one synthesis: espeak-ng's callback pushes its 22.05 kHz audio here, resampled to the call
/// rate and handed to the reader at once.
/// </summary>
internal sealed class EspeakSession(ChannelWriter<short[]> writer, Resampler resampler, CancellationToken cancellationToken)
{
    private volatile bool _aborted;

    public bool IsAborted => _aborted || cancellationToken.IsCancellationRequested;

    public void Abort() => _aborted = true;

    public void Push(ReadOnlySpan<short> samples)
    {
        var output = new short[resampler.MaxOutputFor(samples.Length)];
        var n = resampler.Process(samples, output);
        if (n > 0)
        {
            writer.TryWrite(n == output.Length ? output : output[..n]);
        }
    }

    /// <summary>Ends the stream: with <paramref name="error"/>, or cleanly (flushing the resampler when asked).</summary>
    public void Complete(Exception? error, bool flush)
    {
        if (error is null && flush)
        {
            // Flush the resampler's filter delay with a little silence.
            Push(new short[resampler.InputRate / 50]);
        }
        writer.TryComplete(error);
    }
}
