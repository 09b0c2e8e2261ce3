using Ncco.Legs;
using Ncco.Media.Dtmf;
using Ncco.Media.Pcm;
using Ncco.Media.Playback;
using Ncco.Media.Recording;
using Ncco.Media.Tts;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// Turns the VM's semantic <see cref="Playback"/>s into audio sources at the media rate: talk → espeak-ng (streaming,
/// language/style/level/loop), stream/ringback/music on hold → <see cref="StreamPlayer"/>, DTMF → <see cref="DtmfGenerator"/>,
/// beep → <see cref="CallRecorder.CreateBeep"/>. Shared by all legs; thread-safe. With a <see cref="CachingTextToSpeech"/>
/// (<c>Ncco:Media:TtsCacheMegabytes</c>) talk that was rendered before plays from memory.
/// </summary>
internal sealed class PlaybackRenderer(ITextToSpeech? tts, StreamPlayer streams)
{
    private readonly DtmfGenerator _dtmf = new(MediaThread.SampleRate);
    private readonly short[] _beep = CallRecorder.CreateBeep(MediaThread.SampleRate);

    /// <summary>Whether talk is synthesised (espeak-ng found): else it plays silence of its length.</summary>
    public bool Speaks => tts is not null;

    /// <summary>Whether the kind needs an HTTP fetch first (<see cref="OpenAsync"/>).</summary>
    public static bool IsFetched(PlaybackKind kind) => kind is PlaybackKind.Stream or PlaybackKind.MusicOnHold or PlaybackKind.Ringback;

    /// <summary>A source for talk, DTMF and beep (fetched kinds go through <see cref="OpenAsync"/>).</summary>
    /// <exception cref="ArgumentException">Bad DTMF digits.</exception>
    public IAudioSource Create(Playback playback) => playback.Kind switch
    {
        PlaybackKind.Talk when tts is not null => Talk(tts, playback),
        // Without espeak-ng (reported at startup) the VM still needs the prompt to take its time.
        PlaybackKind.Talk => Silence(playback),
        PlaybackKind.Dtmf => new BufferAudioSource(_dtmf.Generate(playback.Text ?? ""), MediaThread.SampleRate, 1, playback.Level),
        PlaybackKind.Beep => new BufferAudioSource(_beep, MediaThread.SampleRate, 1),
        _ => Silence(playback),
    };

    /// <summary>
    /// A key another leg signalled, as a tone of its duration (clamped to 40 ms – 2 s: long enough for any detector,
    /// short enough that a stuck key cannot hold the line), for a leg whose transport cannot signal keys itself.
    /// </summary>
    public IAudioSource KeyTone(char digit, int durationMilliseconds)
    {
        var tone = new short[Math.Clamp(durationMilliseconds, 40, 2000) * MediaThread.SampleRate / 1000];
        _dtmf.WriteTone(digit, tone);
        return new BufferAudioSource(tone, MediaThread.SampleRate);
    }

    private static IAudioSource Talk(ITextToSpeech tts, Playback playback)
    {
        var request = new TtsRequest(playback.Text ?? "", playback.Language ?? "en-US", playback.Style, playback.Premium);
        // A prompt already rendered plays from the shared cache's memory at once; anything else streams (joining a
        // rendering of the same prompt in progress, when there is one).
        if (tts is CachingTextToSpeech cache && cache.TryGet(request, MediaThread.SampleRate, out var samples))
            return new BufferAudioSource(samples, MediaThread.SampleRate, playback.Loop, playback.Level);
        return new StreamingAudioSource(ct => tts.SynthesizeAsync(request, MediaThread.SampleRate, ct), MediaThread.SampleRate, playback.Loop, playback.Level);
    }

    /// <summary>Fetches and decodes a stream / ringback / music-on-hold URL.</summary>
    /// <exception cref="MediaFetchException">Unreachable, HTTP error or not audio.</exception>
    public Task<IAudioSource> OpenAsync(Playback playback, CancellationToken cancellationToken) =>
        streams.OpenAsync(new StreamRequest(playback.Url!, playback.Level, playback.Loop), MediaThread.SampleRate, cancellationToken);

    private static BufferAudioSource Silence(Playback playback) =>
        new(new short[(int)(PlaybackDuration.OneLoop(playback).TotalSeconds * MediaThread.SampleRate)], MediaThread.SampleRate, playback.Loop);
}
