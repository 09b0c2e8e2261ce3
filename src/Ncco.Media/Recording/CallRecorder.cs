using System.Collections.Concurrent;
using System.Threading.Channels;
using Ncco.Media.Dtmf;
using Ncco.Media.Native;
using Ncco.Media.Resampling;
using Ncco.Media.SoundFile;
using Ncco.Media.Vad;
using Ncco.Media.Wav;

namespace Ncco.Media.Recording;

/// <summary>
/// Records a leg or a conversation: mono or split (one channel per leg, up to 32), resampled to 16 kHz, with
/// <c>endOnSilence</c> (voice-activity detector on channel 0), <c>endOnKey</c> (in-band DTMF detector on channel 0) and
/// <c>timeOut</c> measured in media time.
/// <para>
/// Crash safety: audio goes to <c>&lt;path&gt;.partial.wav</c>, whose header is rewritten every second, so a crash
/// leaves a readable WAV. <see cref="CompleteAsync"/> finishes the file (transcoding to MP3/OGG through libsndfile when
/// asked), fsyncs it, renames it atomically to <c>path</c> and fsyncs the directory before returning.
/// </para>
/// Disk I/O never happens on the media thread: <see cref="WriteFrame"/> resamples into a one-second staging buffer;
/// full buffers are handed to a background task that writes them (and rewrites the header) and recycles them. Call <see cref="WriteFrame"/> from one thread (the media thread).
/// <para>
/// Write errors (a full disk, an I/O error): the first one stops the recording (<see cref="WriteError"/> is set,
/// <see cref="WriteFailed"/> is raised once on the writer task, later frames are dropped so nothing piles up in
/// memory) and <see cref="CompleteAsync"/> throws it, leaving the partial WAV — readable up to its last header
/// rewrite — in place.
/// </para>
/// </summary>
public sealed class CallRecorder : IAsyncDisposable
{
    private readonly RecordingOptions _options;
    private readonly int _inputRate;
    private readonly Resampler[] _resamplers;
    private readonly WavWriter _writer;
    private readonly FileStream _file;
    private readonly VoiceActivityDetector? _vad;
    private readonly DtmfDetector? _dtmf;
    private readonly long _maxSamples;
    private readonly long _silenceSamplesToStop;
    private readonly long _flushEvery;
    private short[] _channelIn = new short[480];
    private short[] _channelOut = new short[1024];
    private short[] _interleaved = new short[1024];
    private long _written;
    private Exception? _writeError;
    private long _silentInputSamples;
    private long _sinceFlush;
    private bool _completed;
    private readonly ConcurrentQueue<short[]> _free = new();
    private short[] _staging;
    private int _staged;
    private readonly Channel<(short[] Buffer, int Length)> _pending =
        Channel.CreateUnbounded<(short[], int)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _drain;

    /// <summary>Starts a recording.</summary>
    /// <param name="path">Final file path (its extension is not changed).</param>
    /// <param name="options">Options (validated).</param>
    /// <param name="inputSampleRate">Rate of the frames given to <see cref="WriteFrame"/>.</param>
    public CallRecorder(string path, RecordingOptions options, int inputSampleRate)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validate();
        new Pcm.PcmFormat(inputSampleRate).Validate();
        Path = path;
        PartialPath = path + ".partial.wav";
        _inputRate = inputSampleRate;
        _resamplers = new Resampler[options.Channels];
        for (var c = 0; c < options.Channels; c++)
        {
            _resamplers[c] = new Resampler(inputSampleRate, options.SampleRate);
        }
        _file = new FileStream(PartialPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 64 * 1024);
        _writer = new WavWriter(_file, options.SampleRate, options.Channels, leaveOpen: true);
        if (options.EndOnSilence is not null)
        {
            _vad = new VoiceActivityDetector();
            _silenceSamplesToStop = (long)(options.EndOnSilence.Value.TotalSeconds * inputSampleRate);
        }
        if (options.EndOnKey is not null)
        {
            _dtmf = new DtmfDetector(inputSampleRate);
        }
        _maxSamples = (long)(options.EffectiveTimeOut.TotalSeconds * options.SampleRate);
        _flushEvery = options.SampleRate;
        _staging = new short[options.SampleRate * options.Channels];
        _drain = Task.Run(DrainAsync);
    }

    /// <summary>Final path.</summary>
    public string Path { get; }

    /// <summary>The first write error, once the disk refused audio; null while the file is healthy.</summary>
    public Exception? WriteError => Volatile.Read(ref _writeError);

    /// <summary>Raised once, on the writer task, when the disk first refuses audio; the recording takes no more frames.</summary>
    public event Action<Exception>? WriteFailed;

    /// <summary>Where audio is written until completion.</summary>
    public string PartialPath { get; }

    /// <summary>Why recording stopped (<see cref="RecordingEndReason.None"/> while running).</summary>
    public RecordingEndReason EndReason { get; private set; }

    /// <summary>The key that ended the recording.</summary>
    public char? EndKey { get; private set; }

    /// <summary>Recorded duration so far.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)_written / _options.SampleRate);

    /// <summary>A 400 ms 800 Hz beep at −12 dBFS for <c>beepStart</c>, for the host to play before recording.</summary>
    public static short[] CreateBeep(int sampleRate)
    {
        var n = sampleRate * 2 / 5;
        var beep = new short[n];
        var ramp = sampleRate / 200;
        for (var i = 0; i < n; i++)
        {
            var env = Math.Min(1.0, Math.Min(i, n - 1 - i) / (double)ramp);
            beep[i] = (short)(8225 * env * Math.Sin(2 * Math.PI * 800 * i / sampleRate));
        }
        return beep;
    }

    /// <summary>
    /// Appends one frame: <c>Channels</c> interleaved channels at the input rate. Returns the end reason once a stop
    /// condition fires (later frames are ignored).
    /// </summary>
    public RecordingEndReason WriteFrame(ReadOnlySpan<short> interleaved)
    {
        if (EndReason != RecordingEndReason.None)
        {
            return EndReason;
        }
        if (WriteError is not null)
        {
            EndReason = RecordingEndReason.Stopped;
            return EndReason;
        }
        var channels = _options.Channels;
        var perChannel = interleaved.Length / channels;
        EnsureCapacity(perChannel);

        for (var c = 0; c < channels; c++)
        {
            for (var i = 0; i < perChannel; i++)
            {
                _channelIn[i] = interleaved[(i * channels) + c];
            }
            var input = _channelIn.AsSpan(0, perChannel);
            if (c == 0)
            {
                Watch(input);
            }
            var n = _resamplers[c].Process(input, _channelOut);
            for (var i = 0; i < n; i++)
            {
                _interleaved[(i * channels) + c] = _channelOut[i];
            }
            if (c == channels - 1)
            {
                var frames = (int)Math.Min(n, _maxSamples - _written);
                Stage(_interleaved.AsSpan(0, frames * channels));
                _written += frames;
            }
        }
        if (EndReason == RecordingEndReason.None && _written >= _maxSamples)
        {
            EndReason = RecordingEndReason.TimeOut;
        }
        return EndReason;
    }

    /// <summary>Stops recording (call hung up, conversation ended…); no more frames are taken.</summary>
    public void Stop()
    {
        if (EndReason == RecordingEndReason.None)
        {
            EndReason = RecordingEndReason.Stopped;
        }
    }

    /// <summary>
    /// Finishes the file: finalises and fsyncs it, transcodes when needed, renames it into place and fsyncs the
    /// directory. The returned result is only produced once the file is durable.
    /// </summary>
    public async Task<RecordingResult> CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        Stop();
        _completed = true;
        HandOff();
        _pending.Writer.TryComplete();
        await _drain.ConfigureAwait(false);
        if (WriteError is { } failed)
        {
            await ReleaseFileAsync().ConfigureAwait(false);
            throw new IOException("The recording could not be written: " + failed.Message, failed);
        }
        _writer.Dispose();
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _file.Flush(flushToDisk: true);
        await _file.DisposeAsync().ConfigureAwait(false);

        var format = _options.EffectiveFormat;
        await Task.Run(() =>
        {
            if (format == RecordingFormat.Wav)
            {
                FileSync.CommitRename(PartialPath, Path);
                return;
            }
            var tmp = Path + ".encoding";
            Transcode(PartialPath, tmp, format, cancellationToken);
            FileSync.CommitRename(tmp, Path);
            File.Delete(PartialPath);
        }, cancellationToken).ConfigureAwait(false);
        return new RecordingResult(Path, format, _options.Channels, _options.SampleRate, Duration, new FileInfo(Path).Length, EndReason, EndKey);
    }

    /// <summary>Abandons an unfinished recording, leaving the partial WAV in place (it is readable).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        HandOff();
        _pending.Writer.TryComplete();
        await _drain.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await ReleaseFileAsync().ConfigureAwait(false);
    }

    private async ValueTask ReleaseFileAsync()
    {
        // After a write error the header may not be writable either: the file is closed whatever it says.
        try
        {
            _writer.Dispose();
        }
        catch (IOException)
        {
        }
        try
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
    }

    private void Stage(ReadOnlySpan<short> samples)
    {
        while (!samples.IsEmpty)
        {
            var n = Math.Min(samples.Length, _staging.Length - _staged);
            samples[..n].CopyTo(_staging.AsSpan(_staged));
            _staged += n;
            samples = samples[n..];
            if (_staged == _staging.Length)
            {
                HandOff();
            }
        }
    }

    private void HandOff()
    {
        if (_staged == 0)
        {
            return;
        }
        _pending.Writer.TryWrite((_staging, _staged));
        _staging = _free.TryDequeue(out var recycled) ? recycled : new short[_staging.Length];
        _staged = 0;
    }

    private async Task DrainAsync()
    {
        await foreach (var (buffer, length) in _pending.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (WriteError is not null)
            {
                continue; // drained and dropped: the recording has already failed
            }
            try
            {
                _writer.Write(buffer.AsSpan(0, length));
                _sinceFlush += length / _options.Channels;
                if (_sinceFlush >= _flushEvery)
                {
                    _writer.Flush(); // header now describes the data: a crash leaves a valid WAV
                    _sinceFlush = 0;
                }
            }
            catch (Exception e)
            {
                // Whatever the disk or the file system said, the file cannot take more audio.
                Volatile.Write(ref _writeError, e);
                WriteFailed?.Invoke(e);
            }
            finally
            {
                _free.Enqueue(buffer);
            }
        }
    }

    private void Watch(ReadOnlySpan<short> channel0)
    {
        if (_vad is not null)
        {
            var speech = _vad.Process(channel0);
            _silentInputSamples = speech ? 0 : _silentInputSamples + channel0.Length;
            if (_silentInputSamples >= _silenceSamplesToStop && EndReason == RecordingEndReason.None)
            {
                EndReason = RecordingEndReason.Silence;
            }
        }
        if (_dtmf is not null)
        {
            Span<DtmfDetection> found = stackalloc DtmfDetection[8];
            var n = _dtmf.Process(channel0, found);
            for (var i = 0; i < n; i++)
            {
                if (!found[i].IsEnd && found[i].Digit == _options.EndOnKey && EndReason == RecordingEndReason.None)
                {
                    EndReason = RecordingEndReason.Key;
                    EndKey = found[i].Digit;
                }
            }
        }
    }

    private void EnsureCapacity(int perChannel)
    {
        if (_channelIn.Length < perChannel)
        {
            _channelIn = new short[perChannel];
        }
        var outMax = _resamplers[0].MaxOutputFor(perChannel);
        if (_channelOut.Length < outMax)
        {
            _channelOut = new short[outMax];
        }
        if (_interleaved.Length < outMax * _options.Channels)
        {
            _interleaved = new short[outMax * _options.Channels];
        }
    }

    private static void Transcode(string wavPath, string outPath, RecordingFormat format, CancellationToken cancellationToken)
    {
        using var reader = WavReader.Open(wavPath);
        var sf = format == RecordingFormat.Mp3 ? SoundFileFormat.Mp3 : SoundFileFormat.OggVorbis;
        var options = format == RecordingFormat.Mp3 ? SoundFileWriteOptions.Mp3Recording : null;
        using var writer = SoundFileWriter.Create(outPath, sf, reader.Info.SampleRate, reader.Info.Channels, options);
        var buffer = new short[8192 * reader.Info.Channels];
        int n;
        while ((n = reader.Read(buffer)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            writer.Write(buffer.AsSpan(0, n));
        }
    }
}
