using Microsoft.Extensions.Options;
using Ncco.Host.Calls;

namespace Ncco.Host.Operations;

/// <summary>
/// Graceful shutdown: when the host stops, new calls are refused, the calls in progress get up to
/// <see cref="ShutdownOptions.DrainTimeout"/> to end on their own, and the rest are hung up by the platform.
/// </summary>
/// <remarks>
/// The drain runs in <see cref="StoppingAsync"/>, which the host calls before any hosted service's
/// <see cref="IHostedService.StopAsync"/> and so before the web server stops: during the drain the REST API still
/// answers (new calls get 503, live calls can still be controlled and hung up) and WebSocket legs served by this
/// host keep their connections. <see cref="ILiveCalls"/> has no change notification, so the leg count is polled
/// every <see cref="PollInterval"/> on the injected clock; the wait is bounded by the budget and by the host's own
/// shutdown token. When no <see cref="ILiveCalls"/> is registered there is nothing to drain.
/// </remarks>
public sealed class CallDrainService(IServiceProvider services, IOptions<ShutdownOptions> options, TimeProvider time, ILogger<CallDrainService> logger)
    : IHostedLifecycleService
{
    /// <summary>How often the remaining leg count is read while draining.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private int _drained;

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => DrainAsync(cancellationToken);

    /// <summary>Drains too, for hosts that do not call <see cref="StoppingAsync"/>; the second call does nothing.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => DrainAsync(cancellationToken);

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task FlushWebhooksAsync(ILiveCalls calls)
    {
        // The last legs' final events may still be on their way to the application.
        using var flush = new CancellationTokenSource(ShutdownOptions.HangupBudget, time);
        try
        {
            await calls.WhenWebhooksIdleAsync(flush.Token);
        }
        catch (OperationCanceledException) when (flush.IsCancellationRequested)
        {
            logger.LogWarning("Shutting down: webhooks still in flight after {HangupBudget}", ShutdownOptions.HangupBudget);
        }
    }

    /// <summary>Refuses new calls, waits (bounded) for the live ones to end, then hangs up the rest and waits (bounded) for them to end.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _drained, 1) == 1) return;
        var calls = services.GetService<ILiveCalls>();
        if (calls is null) return;

        calls.BeginDrain();
        var budget = options.Value.DrainTimeout;
        var started = time.GetTimestamp();
        if (calls.ActiveLegCount > 0)
        {
            logger.LogInformation("Shutting down: refusing new calls, waiting up to {DrainTimeout} for {ActiveLegs} legs to end", budget, calls.ActiveLegCount);
        }

        try
        {
            while (calls.ActiveLegCount > 0)
            {
                var left = budget - time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero) break;
                await Task.Delay(left < PollInterval ? left : PollInterval, time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout ran out first; the remaining legs are still hung up below.
        }

        var remaining = calls.ActiveLegCount;
        if (remaining == 0)
        {
            logger.LogInformation("Shutting down: no calls in progress");
            await FlushWebhooksAsync(calls);
            return;
        }

        logger.LogWarning("Shutting down: hanging up {ActiveLegs} legs still in progress after {Elapsed}", remaining, time.GetElapsedTime(started));
        // Hang up even when the host's token has fired: leaving legs up would leave callers in dead air. The hang-up
        // gets its own bounded budget instead.
        using var hangup = new CancellationTokenSource(ShutdownOptions.HangupBudget, time);
        try
        {
            await calls.HangupAllAsync(hangup.Token);
            // A hang-up is a request to each leg; wait for the legs to actually end so their final events go out
            // before the host tears down what sends them.
            while (calls.ActiveLegCount > 0) await Task.Delay(PollInterval / 4, time, hangup.Token);
            await calls.WhenWebhooksIdleAsync(hangup.Token);
        }
        catch (OperationCanceledException) when (hangup.IsCancellationRequested)
        {
            logger.LogError("Shutting down: hanging up the remaining legs took longer than {HangupBudget}", ShutdownOptions.HangupBudget);
        }
    }
}
