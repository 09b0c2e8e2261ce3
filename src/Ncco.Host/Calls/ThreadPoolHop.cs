using System.Runtime.CompilerServices;

namespace Ncco.Host.Calls;

/// <summary>
/// <c>await new ThreadPoolHop()</c> goes on on a thread-pool thread, whatever the caller's thread and synchronization
/// context: for work that must not run on a caller's thread (the VM's one thread). Unlike <c>Task.Yield</c>, which posts
/// back to a synchronization context when there is one, it always leaves.
/// </summary>
internal readonly struct ThreadPoolHop : ICriticalNotifyCompletion
{
    /// <summary>The awaiter (this).</summary>
    public ThreadPoolHop GetAwaiter() => this;

    /// <summary>Never complete: awaiting always hops.</summary>
    public bool IsCompleted => false;

    /// <summary>Nothing to return.</summary>
    public void GetResult()
    {
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) =>
        ThreadPool.QueueUserWorkItem(static c => c(), continuation, preferLocal: false);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) =>
        ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
}
