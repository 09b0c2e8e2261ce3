using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;

namespace Ncco.Host.Rest;

/// <summary>
/// The account's outbound call rate (reference §6: 3 calls per second by default, over a rolling one-second window;
/// the excess gets HTTP 429). Applies to <c>POST /v1/calls</c>; a limit of 0 or less turns it off.
/// </summary>
public sealed class OutboundCallRateLimiter
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Queue<DateTimeOffset> _accepted = new();
    private readonly TimeProvider _time;
    private readonly int _limit;
    private readonly object _gate = new();

    /// <summary>Creates the limiter from <c>Ncco:Calls:RateLimitPerSecond</c>.</summary>
    public OutboundCallRateLimiter(IOptions<NccoHostOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        var rate = options.Value.Calls.RateLimitPerSecond;
        _limit = rate <= 0 ? int.MaxValue : (int)Math.Max(1, Math.Ceiling(rate));
    }

    /// <summary>True when one more call may start now (and counts it); false when the window is full.</summary>
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
