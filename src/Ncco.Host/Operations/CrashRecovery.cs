using System.Globalization;
using Ncco.Calls;
using Ncco.Events;
using Ncco.Host.Applications;
using Ncco.Host.Calls;
using Ncco.Host.Recordings;
using Ncco.Media.Native;
using Ncco.Media.Wav;
using Ncco.Webhooks;

namespace Ncco.Host.Operations;

/// <summary>
/// Finishes at start what a previous run left behind when it crashed or was killed (issue 16, "nothing lost"):
/// <list type="bullet">
/// <item><b>Calls left live</b> (no end time in the store) are ended as Vonage reports a call the platform dropped:
/// an answered leg or an inbound one becomes <c>completed</c> with <c>disconnected_by: platform</c>, its
/// <c>end_time</c> the last moment the previous run is known to have been alive (its newest stored event or call)
/// and <c>duration</c> counted to it; an outbound leg that was never answered becomes <c>failed</c> with
/// <c>detail: internal_error</c>. The status event goes to the application's event URL when the application still
/// exists (signed and retried like every event); either way the store's history records it.</item>
/// <item><b>Partial recordings</b> (<c>*.partial.wav</c> with their <see cref="RecordingClaim"/>): a readable one with
/// audio is adopted — its header finalised into a WAV (the format it was being written in; an MP3/OGG recording is
/// not transcoded after a crash), registered for its application and announced with a record event on the URL its
/// action named. One that cannot be read, or has no audio, is reported failed with an error event and deleted. A
/// partial file without a claim cannot be attributed to anyone and is left in place with a warning; one whose
/// application was deleted is removed. On a recordings folder shared by a cluster (<c>Ncco:Recordings:Directory</c>)
/// only the partial recordings whose claim names this node id are touched: the others are being written by live nodes,
/// or are adopted by a live node once their node is dead (<see cref="AdoptRecordingsOfDeadNodeAsync"/>, called by the
/// cluster's sweep of dead nodes).</item>
/// </list>
/// The store is corrected before the host serves anything; webhooks go out in the background once the server listens
/// (the application may be slow or down, and a <c>recording_url</c> names the address the host actually serves on, not
/// the fallback used before it listens), and stopping the host waits for them no longer than its shutdown allows.
/// </summary>
public sealed class CrashRecovery : IHostedLifecycleService
{
    private readonly ICallRepository _calls;
    private readonly IApplicationRepository _applications;
    private readonly RecordingStore _recordings;
    private readonly VmDirectory _vms;
    private readonly TimeProvider _time;
    private readonly ILogger<CrashRecovery> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _webhooks = Task.CompletedTask;

    /// <summary>Creates the service.</summary>
    public CrashRecovery(ICallRepository calls, IApplicationRepository applications, RecordingStore recordings, VmDirectory vms, TimeProvider time, ILogger<CrashRecovery> logger)
    {
        _calls = calls;
        _applications = applications;
        _recordings = recordings;
        _vms = vms;
        _time = time;
        _logger = logger;
    }

    /// <summary>Calls ended by the last start (for logs and tests).</summary>
    public int CallsRecovered { get; private set; }

    /// <summary>Partial recordings adopted by the last start.</summary>
    public int RecordingsAdopted { get; private set; }

    /// <summary>Partial recordings reported failed by the last start.</summary>
    public int RecordingsFailed { get; private set; }

    /// <summary>Completes once every recovery webhook was sent (or given up).</summary>
    public Task WebhooksSent => _webhooks;

    private readonly List<Func<CancellationToken, Task>> _sends = [];

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RecoverCallsAsync(_sends, cancellationToken).ConfigureAwait(false);
        await RecoverRecordingsAsync(_sends, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        // Only now: the VMs (and the URLs their payloads carry) are made once the server's addresses are known.
        var sends = _sends.ToList();
        _sends.Clear();
        if (sends.Count > 0) QueueWebhooks(sends);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _webhooks.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RecoverCallsAsync(List<Func<CancellationToken, Task>> sends, CancellationToken cancellationToken)
    {
        var left = await _calls.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        CallsRecovered = left.Count;
        if (left.Count == 0) return;
        var lastAlive = await _calls.LastActivityAsync(cancellationToken).ConfigureAwait(false) ?? _time.GetUtcNow();
        var records = new List<CallRecord>(left.Count);
        var history = new List<CallEventRecord>();
        var apps = new Dictionary<string, Application?>(StringComparer.Ordinal);
        foreach (var call in left)
        {
            var (record, payload) = LostLeg.End(call, lastAlive);
            var status = record.Status;
            var end = record.EndTime!.Value;
            records.Add(record);
            if (!apps.TryGetValue(call.ApplicationId, out var app))
            {
                apps[call.ApplicationId] = app = await _applications.FindAsync(call.ApplicationId, cancellationToken).ConfigureAwait(false);
            }
            if (app?.Voice?.EventUrl is not null)
            {
                // The event history gets the payload through the VM's observer once it is sent.
                sends.Add(_ =>
                {
                    var vm = _vms.VmFor(app);
                    return vm.Application.EventUrl is { } target ? SendAsync(vm, target, payload, call.Uuid) : Task.CompletedTask;
                });
            }
            else
            {
                history.Add(new CallEventRecord(call.Uuid, end, status, null));
            }
            _logger.LogWarning("Call {CallUuid} was left {Status} by the previous run; it is now {NewStatus} (ended {End:O})", call.Uuid, call.Status, status, end);
        }
        await _calls.WriteAsync(records, history, cancellationToken).ConfigureAwait(false);
    }

    private async Task RecoverRecordingsAsync(List<Func<CancellationToken, Task>> sends, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_recordings.Directory)) return;
        foreach (var leftover in Directory.EnumerateFiles(_recordings.Directory, "*.encoding").ToList())
        {
            // A transcode the crash interrupted: the partial WAV next to it is still the source of truth. On a shared
            // folder another live node may be transcoding right now, so only this node's are removed.
            var claimPath = RecordingStore.ClaimPath(leftover[..^".encoding".Length]);
            var owner = File.Exists(claimPath) ? RecordingClaim.Parse(await File.ReadAllBytesAsync(claimPath, cancellationToken).ConfigureAwait(false)) : null;
            if (owner is null ? _recordings.NodeId is null : _recordings.IsMine(owner)) TryDelete(leftover);
        }
        if (_recordings.NodeId is not null)
        {
            // A take-over this node id began and did not finish (it crashed between the two renames): the claim is ours.
            foreach (var taking in Directory.EnumerateFiles(_recordings.Directory, "*" + TakingSuffix(_recordings.NodeId)).ToList())
            {
                var claimPath = taking[..^TakingSuffix(_recordings.NodeId).Length];
                try
                {
                    var claim = RecordingClaim.Parse(await File.ReadAllBytesAsync(taking, cancellationToken).ConfigureAwait(false));
                    if (claim is null) continue;
                    await File.WriteAllBytesAsync(taking, (claim with { Node = _recordings.NodeId }).ToUtf8(), cancellationToken).ConfigureAwait(false);
                    File.Move(taking, claimPath);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _logger.LogWarning(e, "The take-over of recording claim {Path} this node began could not be finished; it is left in place", taking);
                }
            }
        }
        foreach (var partial in Directory.EnumerateFiles(_recordings.Directory, "*.partial.wav").ToList())
        {
            if (await ReadClaimAsync(partial, cancellationToken).ConfigureAwait(false) is not (var fileId, var claimPath, var claim)) continue;
            if (claim is null || !Guid.TryParse(fileId, out _))
            {
                // In a cluster an unreadable claim may be one another node is writing this instant: never warn about it.
                if (_recordings.NodeId is null) _logger.LogWarning("Partial recording {Path} has no readable claim, so no application to report it to; it is left in place", partial);
                continue;
            }
            if (!_recordings.IsMine(claim))
            {
                // Another node's recording on a shared folder: live, or adopted by a live node once that node is dead.
                continue;
            }
            if (_recordings.NodeId is not null)
            {
                if (await TakeOverAsync(partial, claimPath, claim.Node, cancellationToken).ConfigureAwait(false) is not { } held)
                {
                    // A live node adopted it as this node id was dead, and got there first.
                    continue;
                }
                (claim, claimPath) = held;
                if (ClaimTaken is { } taken) await taken(fileId).ConfigureAwait(false);
            }
            switch (await AdoptAsync(partial, fileId, claimPath, claim, sends, "the previous run", cancellationToken).ConfigureAwait(false))
            {
                case true: RecordingsAdopted++; break;
                case false: RecordingsFailed++; break;
            }
        }
    }

    /// <summary>
    /// The file id, claim path and claim (null when missing or unreadable) of a partial recording; null when reading the
    /// claim failed because another adopter took it (renamed it away) as it was read — a missing file locally, a stale
    /// handle on NFS, so any I/O error — in which case the caller leaves the recording to that adopter.
    /// </summary>
    private static async Task<(string FileId, string ClaimPath, RecordingClaim? Claim)?> ReadClaimAsync(string partial, CancellationToken cancellationToken)
    {
        var path = partial[..^".partial.wav".Length];
        var claimPath = RecordingStore.ClaimPath(path);
        try
        {
            var claim = File.Exists(claimPath) ? RecordingClaim.Parse(await File.ReadAllBytesAsync(claimPath, cancellationToken).ConfigureAwait(false)) : null;
            return (Path.GetFileNameWithoutExtension(path), claimPath, claim);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Awaited with the file id once this instance holds a partial recording's claim and before it adopts the recording
    /// (tests use it to run a rival adopter in that window); null: nothing.
    /// </summary>
    internal Func<string, Task>? ClaimTaken { get; set; }

    /// <summary>Partial recordings of dead nodes this node adopted (<see cref="AdoptRecordingsOfDeadNodeAsync"/>).</summary>
    public int RecordingsTakenOver => Volatile.Read(ref _takenOver);

    private int _takenOver;
    private readonly Lock _webhookGate = new();

    /// <summary>
    /// Adopts the partial recordings a dead cluster node left on the shared folder (<c>Ncco:Recordings:Directory</c>)
    /// without waiting for that node id to start again: each recording whose claim names <paramref name="deadNode"/> and
    /// that started before <paramref name="lastSeen"/> (its last heartbeat: a recording started later belongs to a new
    /// incarnation) is finalised, registered and announced with its record event exactly as the node's own crash recovery
    /// would. Returns how many this node adopted (at most <paramref name="max"/>).
    /// </summary>
    /// <remarks>
    /// <b>One adopter.</b> Every adoption — this one and a node's own crash recovery — first takes the claim by renaming its
    /// file to a name carrying the adopter's node id (an atomic rename on one file system, NFS included: exactly one
    /// renamer wins), rewrites it there to name the adopter and keeps it under that name until the recording is finalised
    /// and the claim deleted. A loser finds the claim gone and leaves the recording alone. The claim is never handed back
    /// mid-way: a node's own restart rewrites it to the same node id, so a claim handed back before the adoption ended
    /// would still look like the dead node's to a sweep that read it a moment earlier, and both would adopt it. An adopter
    /// that dies mid-way leaves the claim under its own name, which its restart finishes.
    /// </remarks>
    public async Task<int> AdoptRecordingsOfDeadNodeAsync(string deadNode, DateTimeOffset lastSeen, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(deadNode);
        if (_recordings.NodeId is null || deadNode == _recordings.NodeId || !Directory.Exists(_recordings.Directory)) return 0;
        var sends = new List<Func<CancellationToken, Task>>();
        var adopted = 0;
        foreach (var partial in Directory.EnumerateFiles(_recordings.Directory, "*.partial.wav").ToList())
        {
            if (adopted >= max) break;
            if (await ReadClaimAsync(partial, cancellationToken).ConfigureAwait(false) is not (var fileId, var claimPath, var claim)) continue;
            if (claim is null || claim.Node != deadNode || claim.StartedAt > lastSeen || !Guid.TryParse(fileId, out _)) continue;
            if (await TakeOverAsync(partial, claimPath, deadNode, cancellationToken).ConfigureAwait(false) is not var (mine, held)) continue;
            if (ClaimTaken is { } taken) await taken(fileId).ConfigureAwait(false);
            bool? done;
            try
            {
                done = await AdoptAsync(partial, fileId, held, mine, sends, "dead node " + deadNode, cancellationToken).ConfigureAwait(false);
            }
            catch when (File.Exists(partial))
            {
                // Not finalised (the store did not answer): the claim goes back as it was, for the next sweep to adopt.
                // Kept under this node's name it would wait for this node's restart, as if this node had died mid-way.
                await File.WriteAllBytesAsync(held, claim.ToUtf8(), CancellationToken.None).ConfigureAwait(false);
                File.Move(held, claimPath);
                throw;
            }
            if (done is not null)
            {
                adopted++;
                Interlocked.Increment(ref _takenOver);
            }
        }
        if (sends.Count > 0) QueueWebhooks(sends);
        return adopted;
    }

    private void QueueWebhooks(List<Func<CancellationToken, Task>> sends)
    {
        var token = _stopping.Token;
        lock (_webhookGate)
        {
            var previous = _webhooks;
            _webhooks = Task.Run(async () =>
            {
                await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                foreach (var send in sends)
                {
                    if (token.IsCancellationRequested) return;
                    try
                    {
                        await send(token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        _logger.LogWarning(e, "A webhook for an adopted recording could not be sent");
                    }
                }
            }, CancellationToken.None);
        }
    }

    private static string TakingSuffix(string node) => "." + Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(node)) + ".taking";

    /// <summary>
    /// Takes the claim at <paramref name="claimPath"/> for this node (see <see cref="AdoptRecordingsOfDeadNodeAsync"/>):
    /// when this node won it and the partial file is still there, the claim, now naming this node, and the path this node
    /// holds it under until the adoption is over (the caller deletes it then); else null.
    /// </summary>
    private async Task<(RecordingClaim Claim, string HeldPath)?> TakeOverAsync(string partial, string claimPath, string? expectedNode, CancellationToken cancellationToken)
    {
        var me = _recordings.NodeId!;
        var taking = claimPath + TakingSuffix(me);
        try
        {
            File.Move(claimPath, taking);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // another adopter renamed it first, or it was finished and dropped
        }
        var claim = RecordingClaim.Parse(await File.ReadAllBytesAsync(taking, cancellationToken).ConfigureAwait(false));
        if (claim is null || claim.Node != expectedNode)
        {
            // Rewritten between our read and our rename (a restart of that node id finishing a take-over it began): not
            // the claim this adoption was decided on; it goes back for its node to finish.
            File.Move(taking, claimPath);
            return null;
        }
        var mine = claim with { Node = me };
        await File.WriteAllBytesAsync(taking, mine.ToUtf8(), cancellationToken).ConfigureAwait(false);
        if (File.Exists(partial)) return (mine, taking);
        // Finished by its writer (or adopted and dropped) just before: nothing left to adopt.
        TryDelete(taking);
        return null;
    }

    /// <summary>Finalises one claimed partial recording (true), reports it failed (false), or deletes it when its application is gone (null).</summary>
    private async Task<bool?> AdoptAsync(string partial, string fileId, string claimPath, RecordingClaim claim,
        List<Func<CancellationToken, Task>> sends, string leftBy, CancellationToken cancellationToken)
    {
        var app = await _applications.FindAsync(claim.ApplicationId, cancellationToken).ConfigureAwait(false);
        if (app is null)
        {
            _logger.LogWarning("Partial recording {FileId} belonged to application {ApplicationId}, which no longer exists; it is deleted", fileId, claim.ApplicationId);
            TryDelete(partial);
            TryDelete(claimPath);
            return null;
        }
        var claimed = claim.EventUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? new WebhookTarget(uri, string.Equals(claim.EventMethod, "GET", StringComparison.OrdinalIgnoreCase) ? Model.WebhookMethod.Get : Model.WebhookMethod.Post)
            : null;
        var adopted = TryFinalise(partial, Path.Combine(_recordings.Directory, fileId + ".wav"), out var duration, out var why);
        Func<NccoVm, WebhookPayload> payloadFor;
        if (adopted)
        {
            var row = await _recordings.CompleteAsync(fileId, claim.Owner, RecordingKind.Recording, cancellationToken).ConfigureAwait(false);
            var end = claim.StartedAt + duration;
            var now = _time.GetUtcNow();
            payloadFor = vm => new RecordEvent
            {
                StartTime = PayloadJson.Timestamp(claim.StartedAt),
                EndTime = PayloadJson.Timestamp(end),
                RecordingUrl = vm.Application.FilesBaseUrl + fileId,
                Size = row.SizeBytes,
                RecordingUuid = Guid.NewGuid().ToString("D"),
                ConversationUuid = claim.ConversationUuid,
                Timestamp = PayloadJson.Timestamp(now),
            };
            _logger.LogWarning("Partial recording {FileId} left by {LeftBy} was adopted ({Seconds:F1} s of audio)", fileId, leftBy, duration.TotalSeconds);
        }
        else
        {
            var failed = new ErrorEvent
            {
                Reason = "Recording failed: the host stopped before the recording was finished and its partial file " + why,
                ConversationUuid = claim.ConversationUuid,
                Uuid = claim.LegUuid,
                Timestamp = PayloadJson.Timestamp(_time.GetUtcNow()),
            };
            payloadFor = _ => failed;
            _logger.LogWarning("Partial recording {FileId} left by {LeftBy} is reported failed: its file {Why}", fileId, leftBy, why);
        }
        TryDelete(partial);
        TryDelete(claimPath);
        sends.Add(_ =>
        {
            var vm = _vms.VmFor(app);
            return (claimed ?? vm.Application.EventUrl) is { } target ? SendAsync(vm, target, payloadFor(vm), claim.LegUuid) : Task.CompletedTask;
        });
        return adopted;
    }

    /// <summary>
    /// Finalises a partial WAV in place and renames it, durably, to <paramref name="destination"/>. The recorder
    /// rewrites the header once a second and its data chunk is the file's last, so everything after the header is
    /// audio: the sizes are set from the file's length (whole frames), not from the last rewrite, and no second
    /// of audio is lost to the crash.
    /// </summary>
    private static bool TryFinalise(string partial, string destination, out TimeSpan duration, out string why)
    {
        duration = TimeSpan.Zero;
        try
        {
            WavInfo info;
            using (var reader = WavReader.Open(partial)) info = reader.Info;
            var frame = info.BytesPerSample * info.Channels;
            var data = new FileInfo(partial).Length - info.DataOffset;
            data -= data % frame;
            if (data <= 0)
            {
                why = "has no audio";
                return false;
            }
            if (info.DataOffset + data - 8 > uint.MaxValue)
            {
                why = "is larger than a WAV file can describe";
                return false;
            }
            using (var file = new FileStream(partial, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                Span<byte> size = stackalloc byte[4];
                file.SetLength(info.DataOffset + data);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)(info.DataOffset + data - 8));
                file.Position = 4;
                file.Write(size);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)data);
                file.Position = info.DataOffset - 4;
                file.Write(size);
                file.Flush(flushToDisk: true);
            }
            FileSync.CommitRename(partial, destination);
            duration = TimeSpan.FromSeconds((double)(data / frame) / info.SampleRate);
            why = "";
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidAudioException or NotSupportedException or ArgumentException or UnauthorizedAccessException)
        {
            why = "could not be read (" + e.Message + ")";
            return false;
        }
    }

    private static async Task SendAsync(NccoVm vm, WebhookTarget target, WebhookPayload payload, string? legId) =>
        await (await vm.InvokeAsync(() => vm.Webhooks.SendEventAsync(target, payload, legId)).ConfigureAwait(false)).ConfigureAwait(false);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
