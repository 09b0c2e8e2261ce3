using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ncco.Media.Pcm;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// Prompts converted once from the media rate to 8 kHz for every G.711 leg that plays them (issue 19: at 1,000 calls
/// each playing a looping prompt, the per-leg 16 → 8 kHz filter was the host's largest piece of work, ≈ 13 % of its CPU).
/// A leg whose only sound is one such prompt takes its frames from here instead of filtering them itself
/// (<see cref="LegMedia"/>): the same samples bit for bit, because each output sample of the leg's converter depends only
/// on the 107 input samples under the filter, and while the leg hears nothing but the prompt those are the prompt's own
/// samples, round and round — which is what the table was filtered from, with the same filter and arithmetic.
/// </summary>
/// <remarks>
/// Keyed by the decoded prompt's array (the stream player's cache shares one array among every call playing that URL),
/// held weakly: a table lives as long as its prompt. Built off the media thread (<see cref="Prepare"/>, on the fetch's
/// continuation), so the frame path only looks one up and never allocates. Only prompts played as they are
/// (<c>level</c> 0) with an even number of samples (so every frame starts on the same filter phase) get one.
/// Thread-safe.
/// </remarks>
internal sealed class DecimatedPrompts(MediaThread mediaThread)
{
    /// <summary>The leg rate served: G.711's 8 kHz, half the media rate.</summary>
    public const int LegRate = MediaThread.SampleRate / 2;

    private readonly ConditionalWeakTable<short[], Entry> _tables = new();

    /// <summary>Tables built so far (for tests and metrics).</summary>
    public int Built => _built;

    private int _built;

    /// <summary>Builds the table for <paramref name="source"/> unless it has one or cannot have one (see the remarks).</summary>
    public void Prepare(BufferAudioSource source)
    {
        if (!Eligible(source, out var array, out var segment) || (_tables.TryGetValue(array, out var existing) && existing.Table is not null && existing.Matches(segment))) return;
        var loop = segment.AsSpan();
        var table = new short[loop.Length / 2];
        var converter = mediaThread.NewResampler(MediaThread.SampleRate, LegRate, MediaThread.FrameSamples);
        converter.ContinueLoop(loop, 0);
        var frame = new short[converter.MaxOutputFor(MediaThread.FrameSamples)];
        var written = 0;
        for (var p = 0; p < loop.Length; p += MediaThread.FrameSamples)
        {
            var produced = converter.Process(loop.Slice(p, Math.Min(MediaThread.FrameSamples, loop.Length - p)), frame);
            frame.AsSpan(0, produced).CopyTo(table.AsSpan(written));
            written += produced;
        }
        if (written != table.Length) return; // not a plain 2:1 decimation: never expected, but then no table
        _tables.AddOrUpdate(array, new Entry(segment.Offset, segment.Count, table));
        Interlocked.Increment(ref _built);
    }

    /// <summary>
    /// <see cref="Prepare"/> on the thread pool, unless <paramref name="source"/>'s table is built or being built: for a
    /// prompt that starts on the media thread (talk from the speech cache), whose legs take up the table once it is there.
    /// </summary>
    public void PrepareInBackground(BufferAudioSource source)
    {
        if (!Eligible(source, out var array, out var segment) || !_tables.TryAdd(array, new Entry(segment.Offset, segment.Count, null))) return;
        _ = Task.Run(() =>
        {
            try
            {
                Prepare(source);
            }
            finally
            {
                // A table that could not be built leaves no pending mark behind (the next start tries again).
                if (_tables.TryGetValue(array, out var entry) && entry.Table is null) _tables.Remove(array);
            }
        });
    }

    /// <summary>The 8 kHz table of <paramref name="source"/>'s samples, if <see cref="Prepare"/> built one.</summary>
    public short[]? Find(BufferAudioSource source) =>
        Eligible(source, out var array, out var segment) && _tables.TryGetValue(array, out var entry) && entry.Matches(segment) ? entry.Table : null;

    private static bool Eligible(BufferAudioSource source, out short[] array, out ArraySegment<short> segment)
    {
        array = null!;
        segment = default;
        if (!source.IsUnityGain || source.Samples.Length == 0 || source.Samples.Length % 2 != 0) return false;
        if (!MemoryMarshal.TryGetArray(source.Samples, out segment) || segment.Array is null) return false;
        array = segment.Array;
        return true;
    }

    private sealed record Entry(int Offset, int Length, short[]? Table)
    {
        public bool Matches(ArraySegment<short> segment) => segment.Offset == Offset && segment.Count == Length;
    }
}
