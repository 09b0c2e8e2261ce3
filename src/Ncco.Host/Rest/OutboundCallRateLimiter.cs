using Microsoft.Extensions.Options;
using Ncco.Host.Calls;
using Ncco.Host.Configuration;

namespace Ncco.Host.Rest;

/// <summary>
/// The account's outbound call rate (reference §6: 3 calls per second by default, over a rolling one-second window;
/// the excess gets HTTP 429). Applies to <c>POST /v1/calls</c>; a limit of 0 or less turns it off. In a cluster the
/// window is shared by every node (<see cref="ISharedCallRateWindow"/>), as the limit is the account's; should the
/// shared store not answer, the node's own window applies meanwhile (the node is about to stop taking calls anyway).
/// </summary>
public sealed class OutboundCallRateLimiter
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Queue<DateTimeOffset> _accepted = new();
    private readonly TimeProvider _time;
    private readonly int _limit;
    private readonly object _gate = new();
    private readonly ISharedCallRateWindow? _shared;
    private readonly ILogger<OutboundCallRateLimiter>? _logger;

    /// <summary>Creates the limiter from <c>Ncco:Calls:RateLimitPerSecond</c>.</summary>
    public OutboundCallRateLimiter(IOptions<NccoHostOptions> options, TimeProvider time)
        : this(options, time, null, null)
    {
    }

    /// <summary>Creates the limiter from <c>Ncco:Calls:RateLimitPerSecond</c>, counting in <paramref name="shared"/> when it is shared.</summary>
    [ActivatorUtilitiesConstructor]
    public OutboundCallRateLimiter(IOptions<NccoHostOptions> options, TimeProvider time, ISharedCallRateWindow? shared, ILogger<OutboundCallRateLimiter>? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _shared = shared is { IsShared: true } ? shared : null;
        _logger = logger;
        var rate = options.Value.Calls.RateLimitPerSecond;
        _limit = rate <= 0 ? int.MaxValue : (int)Math.Max(1, Math.Ceiling(rate));
    }

    /// <summary>
    /// True when one more call may start now (and counts it, across the cluster when the window is shared); false and
    /// how long to wait when the window is full.
    /// </summary>
    public async ValueTask<(bool Acquired, TimeSpan RetryAfter)> TryAcquireAsync(CancellationToken cancellationToken)
    {
        if (_limit == int.MaxValue) return (true, TimeSpan.Zero);
        if (_shared is not null)
        {
            try
            {
                var wait = await _shared.TryAcquireAsync(_limit, Window, cancellationToken).ConfigureAwait(false);
                return wait is { } retryAfter ? (false, retryAfter) : (true, TimeSpan.Zero);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException)
            {
                _logger?.SharedRateWindowUnavailable(e);
            }
        }
        return TryAcquire(out var local) ? (true, TimeSpan.Zero) : (false, local);
    }

    /// <summary>True when one more call may start now on this node (and counts it); false when the window is full.</summary>
    public bool TryAcquire(out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_limit == int.MaxValue) return true;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            while (_accepted.Count > 0 && now - _accepted.Peek() >= Window) _accepted.Dequeue();
            if (_accepted.Count >= _limit)
            {
                retryAfter = Window - (now - _accepted.Peek());
                return false;
            }
            _accepted.Enqueue(now);
            return true;
        }
    }
}
