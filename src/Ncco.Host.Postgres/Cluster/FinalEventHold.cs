using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.Options;
using Ncco.Calls;
using Ncco.Events;
using Ncco.Host.Applications;
using Ncco.Host.Calls;
using Ncco.Host.Configuration;
using Ncco.Webhooks;
using Npgsql;

namespace Ncco.Host.Postgres.Cluster;

/// <summary>
/// Makes a leg's final event go out once even when its node is cut from the database. While the node cannot reach the
/// store (<see cref="PostgresMembership.CutFromDatabase"/>: from its first failed heartbeat until one gets through, and
/// after a fence until it rejoined) a leg it ends may also be ended by the others' sweep once the node looks dead for
/// <see cref="ClusterOptions.DeadAfter"/> — and the sweep announces what it ends. So the final status event of a leg
/// ending while the node is cut (its own fence's hangups included) is <b>held</b>, in memory, instead of sent; the VM
/// sees it delivered. Once the node reaches the database again, its journal's late writes are flushed and each held
/// leg's row is read: the row names the node whose write ended it (<c>calls.ended_by</c>; the journal's upsert and the
/// sweep's update are both conditional on the row having no end, so exactly one of them wrote it):
/// <list type="bullet">
/// <item>ended by <b>another node</b> (swept, or ended by a REST touch on the "dead" owner): that node sent the final
/// event; the held one is dropped;</item>
/// <item>ended by <b>this node</b> (back before the sweep judged it), or not found: the held event is sent now, as it
/// was built when the leg ended (same body and signature), retried like an event, and added to the leg's history.</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>What it costs: a final event of a leg ending during a cut reaches the application when the node is back
/// (seconds later), or — when the sweep got there first — as the sweep's <c>completed</c>/<c>failed</c> event with the
/// node's last heartbeat as end time. Other events (input, record, transfer…) are never held.</para>
/// <para>If the node dies (or stops) while holding, the held events are lost with it, and the store still has its legs
/// unfinished (nothing it wrote got through), so the sweep ends and announces each of them: still one final event per
/// leg. A graceful stop tries one last resolution first.</para>
/// <para>A leg that ends after the database went away but before a heartbeat noticed it (up to one
/// <see cref="ClusterOptions.HeartbeatInterval"/> plus the heartbeat's timeout) is caught another way: before a final
/// event goes out, the journal is flushed (for at most <see cref="ClusterOptions.DeadAfter"/>); if the store did not
/// take what was recorded, the event is held like one during a cut. A flush that is only slow holds an event the next
/// round sends (a delay, never a loss). Not covered: a node that dies in the milliseconds between its journal writing a
/// held leg's end and sending its event loses that event.</para>
/// <para>Bounded: at most <see cref="Capacity"/> events are held; past that, final events are sent at once (the
/// application may then get one twice) rather than kept without bound or lost.</para>
/// </remarks>
public sealed class FinalEventHold(IServiceProvider services, PostgresMembership membership, IOptions<ClusterOptions> options, IOptions<NccoHostOptions> host,
    TimeProvider time, ILogger<FinalEventHold> logger) : BackgroundService, IVmCustomizer
{
    /// <summary>Most final events held at once.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<WebhookRequest, Held> _held = new(ReferenceEqualityComparer.Instance);
    private long _sent;
    private long _dropped;
    private int _overflowLogged;

    /// <summary>Final events held now.</summary>
    public int Holding => _held.Count;

    /// <summary>Held events sent after the node came back (the store said the legs were this node's to announce).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Held events dropped because another node had ended (and announced) their legs.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <inheritdoc />
    public NccoVmOptions Customize(NccoVmOptions options, Application application)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (host.Value.Store.Provider != StoreProvider.Postgres) return options;
        return options with
        {
            Transport = new HoldingTransport(this, options.Transport),
            Observer = new HoldingObserver(this, options.Observer ?? NullVmObserver.Instance),
        };
    }

    /// <summary>One round: sends or drops every held event, if the database is reachable. Returns how many were settled.</summary>
    public async Task<int> ResolveAsync(CancellationToken cancellationToken)
    {
        if (_held.IsEmpty || membership.Incarnation == 0 || membership.CutFromDatabase) return 0;
        var batch = _held.Values.ToArray();
        // Everything the journal recorded before (the held legs' ends among it) is in the store once this completes.
        using (var flushed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            flushed.CancelAfter(options.Value.DeadAfter);
            await services.GetRequiredService<CallJournal>().FlushAsync(flushed.Token).ConfigureAwait(false);
        }
        var endedBy = new Dictionary<string, string?>(StringComparer.Ordinal);
        var database = services.GetRequiredService<PostgresDatabase>();
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var read = new NpgsqlCommand("SELECT uuid, ended_by FROM calls WHERE uuid = ANY(@uuids)", connection))
        {
            read.Parameters.Add(new NpgsqlParameter("uuids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)
            {
                Value = batch.Select(h => h.Uuid).Distinct(StringComparer.Ordinal).ToArray(),
            });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                endedBy[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }
        foreach (var held in batch)
        {
            if (!_held.TryRemove(held.Request, out _)) continue;
            if (endedBy.GetValueOrDefault(held.Uuid) is { } by && by != membership.NodeId)
            {
                Interlocked.Increment(ref _dropped);
                logger.HeldFinalEventDropped(held.Uuid, by);
                continue;
            }
            Interlocked.Increment(ref _sent);
            _ = Task.Run(() => SendAsync(held), CancellationToken.None);
        }
        return batch.Length;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (host.Value.Store.Provider != StoreProvider.Postgres) return;
        var interval = options.Value.HeartbeatInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
                await ResolveAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                // Out of reach again: the events stay held; the next round tries again.
                logger.HeldFinalEventsNotSettled(e, _held.Count);
            }
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_held.IsEmpty) return;
        try
        {
            // A graceful stop right after the node came back: settle what is held rather than lose it.
            await ResolveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DbException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            logger.HeldFinalEventsNotSettled(e, _held.Count);
        }
    }

    private static bool IsFinal(WebhookRequest request) =>
        request.Kind == WebhookKind.Event && request.Payload is CallStatusEvent { Uuid: not null } status && CallStatus.IsFinal(status.Status);

    private bool TryHold(WebhookRequest request, IWebhookTransport transport, bool storeUnreachable = false)
    {
        if (!IsFinal(request) || request.Payload is not CallStatusEvent { Uuid: { } uuid } status) return false;
        if (!membership.CutFromDatabase && !storeUnreachable) return false;
        if (_held.Count >= Capacity)
        {
            if (Interlocked.Exchange(ref _overflowLogged, 1) == 0) logger.HoldFull(Capacity);
            return false;
        }
        _held[request] = new Held(request, transport, uuid, status.Status, time.GetUtcNow());
        logger.FinalEventHeld(uuid, status.Status);
        return true;
    }

    private bool IsHeld(WebhookRequest request) => _held.ContainsKey(request);

    /// <summary>
    /// Whether the store has taken everything the journal recorded so far (this leg's end among it, when recorded
    /// before its event): false when the flush fails or does not finish within <see cref="ClusterOptions.DeadAfter"/>.
    /// </summary>
    private async Task<bool> StoreTookEverythingAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(options.Value.DeadAfter);
        try
        {
            await services.GetRequiredService<CallJournal>().FlushAsync(bounded.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task SendAsync(Held held)
    {
        var response = WebhookResponse.ConnectionFailed;
        // As the VM retries an event: a few attempts, a growing pause between them, only on a retryable answer.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                response = await held.Transport.SendAsync(held.Request with { Attempt = attempt }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                response = WebhookResponse.ConnectionFailed;
            }
            if (!response.IsRetryable) break;
            if (attempt < 3) await Task.Delay(TimeSpan.FromSeconds(attempt), time).ConfigureAwait(false);
        }
        services.GetRequiredService<CallJournal>().Append(new CallEventRecord(held.Uuid, held.At, held.Status, held.Request.PayloadJson));
        if (!response.IsSuccess) logger.HeldFinalEventFailed(held.Uuid, response.Describe());
    }

    private sealed record Held(WebhookRequest Request, IWebhookTransport Transport, string Uuid, string Status, DateTimeOffset At);

    /// <summary>
    /// Holds a final event instead of sending it while the node is cut, or when the store does not take the journal's
    /// writes just before it would go; everything else goes through.
    /// </summary>
    private sealed class HoldingTransport(FinalEventHold hold, IWebhookTransport inner) : IWebhookTransport
    {
        public async Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
        {
            if (hold.TryHold(request, inner)) return WebhookResponse.Empty;
            if (IsFinal(request) && !await hold.StoreTookEverythingAsync(cancellationToken).ConfigureAwait(false)
                && hold.TryHold(request, inner, storeUnreachable: true))
            {
                return WebhookResponse.Empty;
            }
            return await inner.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Keeps a held event out of the leg's history (and logs) until it is really sent.</summary>
    private sealed class HoldingObserver(FinalEventHold hold, IVmObserver inner) : IVmObserver
    {
        public void OnWebhook(DateTimeOffset at, string? legId, WebhookRequest request, WebhookResponse response)
        {
            if (!hold.IsHeld(request)) inner.OnWebhook(at, legId, request, response);
        }

        public void OnActivity(DateTimeOffset at, string? legId, VmActivity activity, string message) => inner.OnActivity(at, legId, activity, message);
    }
}
