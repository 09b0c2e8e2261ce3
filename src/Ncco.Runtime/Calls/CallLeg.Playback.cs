using System.Globalization;
using Ncco.Legs;

namespace Ncco.Calls;

/// <summary>
/// What the leg plays: playbacks and their completion, and the barge-in queue (audio that plays in the background,
/// one after another, until the party barges in or an input starts capturing).
/// </summary>
public sealed partial class CallLeg
{
    private readonly Dictionary<long, TaskCompletionSource> _playbacks = [];
    private readonly Queue<Playback> _bargeInQueue = new();
    private long? _bargeInPlaying;

    internal event Action? BargeInDrained;

    /// <summary>True when barge-in audio is queued or playing.</summary>
    internal bool BargeInActive => _bargeInPlaying is not null || _bargeInQueue.Count > 0;

    /// <summary>A new playback of <paramref name="kind"/> with a fresh id (customise it with <c>with { … }</c>).</summary>
    public Playback NewPlayback(PlaybackKind kind) => new(_vm.NextPlaybackId(), kind);

    /// <summary>Plays and waits until it finished (or the token is cancelled, which stops it). VM thread only (e.g. in a handler).</summary>
    public async Task PlayAsync(Playback playback, CancellationToken cancellationToken)
    {
        await PlayUntilStoppedAsync(playback, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>As <see cref="PlayAsync"/>, but a cancelled token only stops the playback: the task completes without
    /// throwing, for the built-in verbs, whose interpreter checks the token itself (a hang-up mid-prompt is the normal
    /// end of a call, not an exception).</summary>
    internal async Task PlayUntilStoppedAsync(Playback playback, CancellationToken cancellationToken)
    {
        var tcs = StartPlayback(playback);
        using var reg = cancellationToken.Register(() => StopPlayback(playback.Id));
        await tcs.Task;
    }

    internal TaskCompletionSource StartPlayback(Playback playback)
    {
        var tcs = new TaskCompletionSource();
        if (IsEnded)
        {
            tcs.TrySetResult();
            return tcs;
        }
        _playbacks[playback.Id] = tcs;
        _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, Id, VmActivity.Played, Describe(playback));
        Transport.Play(playback);
        return tcs;
    }

    internal void StopPlayback(long id)
    {
        if (!_playbacks.Remove(id, out var tcs)) return;
        if (!IsEnded) Transport.StopPlayback(id);
        _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, Id, VmActivity.Stopped, "stopped playback #" + id.ToString(CultureInfo.InvariantCulture));
        tcs.TrySetResult();
    }

    internal bool IsPlaying(long id) => _playbacks.ContainsKey(id);

    /// <summary>Queues barge-in audio: it plays in the background, after earlier barge-in audio, until the party barges in.</summary>
    internal void EnqueueBargeIn(Playback playback)
    {
        _bargeInQueue.Enqueue(playback);
        if (_bargeInPlaying is null) StartNextBargeIn();
    }

    private void StartNextBargeIn()
    {
        if (!_bargeInQueue.TryDequeue(out var next))
        {
            _bargeInPlaying = null;
            BargeInDrained?.Invoke();
            return;
        }
        _bargeInPlaying = next.Id;
        var tcs = StartPlayback(next);
        tcs.Task.ContinueWith(_ =>
        {
            if (_bargeInPlaying == next.Id) StartNextBargeIn();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The party barged in (or an input started capturing): stop and drop all barge-in audio.</summary>
    internal void BargeIn()
    {
        _bargeInQueue.Clear();
        if (_bargeInPlaying is { } id)
        {
            _bargeInPlaying = null;
            StopPlayback(id);
            BargeInDrained?.Invoke();
        }
    }

    private static string Describe(Playback p) => p.Kind switch
    {
        PlaybackKind.Talk => $"talk \"{p.Text}\"" + (p.BargeIn ? " (bargeIn)" : "") + (p.Loop != 1 ? $" loop={p.Loop}" : ""),
        PlaybackKind.Stream => $"stream {p.Url}" + (p.BargeIn ? " (bargeIn)" : "") + (p.Loop != 1 ? $" loop={p.Loop}" : ""),
        PlaybackKind.ConversationAudio => $"hears {p.SourceLegId}: \"{p.Text}\"",
        PlaybackKind.Dtmf => "dtmf " + p.Text,
        PlaybackKind.Beep => "beep",
        _ => p.Kind.ToString().ToLowerInvariant() + " " + p.Url,
    };

    /// <summary>The leg ended: nothing plays any more, and whoever waits for a playback is released.</summary>
    private void ReleasePlaybacks()
    {
        _bargeInQueue.Clear();
        _bargeInPlaying = null;
        foreach (var (_, tcs) in _playbacks) tcs.TrySetResult();
        _playbacks.Clear();
    }
}
