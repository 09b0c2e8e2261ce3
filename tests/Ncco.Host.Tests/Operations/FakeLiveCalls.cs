using Ncco.Host.Calls;

namespace Ncco.Host.Tests.Operations;

/// <summary>An <see cref="ILiveCalls"/> whose leg count the test sets; hang-up ends every leg.</summary>
public sealed class FakeLiveCalls : ILiveCalls
{
    private int _active;

    public int ActiveLegCount => Volatile.Read(ref _active);

    public bool IsDraining { get; private set; }

    public int HangupAllCalls { get; private set; }

    public void SetActive(int legs) => Volatile.Write(ref _active, legs);

    public void BeginDrain() => IsDraining = true;

    public Task HangupAllAsync(CancellationToken cancellationToken)
    {
        HangupAllCalls++;
        SetActive(0);
        return Task.CompletedTask;
    }

    public int WebhookFlushes { get; private set; }

    public Task WhenWebhooksIdleAsync(CancellationToken cancellationToken)
    {
        WebhookFlushes++;
        return Task.CompletedTask;
    }
}
