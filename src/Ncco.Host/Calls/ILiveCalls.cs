namespace Ncco.Host.Calls;

/// <summary>The host's view of the calls in progress, for shutdown draining and health.</summary>
public interface ILiveCalls
{
    /// <summary>Legs not yet ended, over every application.</summary>
    int ActiveLegCount { get; }

    /// <summary>True once <see cref="BeginDrain"/> was called: new calls are refused with 503.</summary>
    bool IsDraining { get; }

    /// <summary>Stops accepting new calls; calls in progress carry on.</summary>
    void BeginDrain();

    /// <summary>Hangs up every leg still in progress (the platform ends them: <c>disconnected_by: platform</c>).</summary>
    Task HangupAllAsync(CancellationToken cancellationToken);

    /// <summary>Completes once no webhook has been in flight for a moment (the final events of ended legs were sent).</summary>
    Task WhenWebhooksIdleAsync(CancellationToken cancellationToken);
}
