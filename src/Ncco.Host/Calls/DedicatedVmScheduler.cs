using Microsoft.Extensions.Logging;
using Ncco.Media.Native;
using Ncco.Media.Pcm;
using Ncco.Scheduling;

namespace Ncco.Host.Calls;

/// <summary>
/// An application VM's scheduler whose work runs on a thread of its own (<c>Ncco:Calls:VmThread</c>), optionally at
/// nice −10, instead of as work items in the thread pool's queue.
/// </summary>
/// <remarks>
/// One VM runs every call of its application, serially: at hundreds of new calls a second it is the one lane every
/// caller's setup passes through twice (the VM takes the call; it reads the answer webhook's NCCO and answers). On the
/// pool, each time that lane ran dry and got work again it queued behind everything else the pool had (SIP dispatch,
/// HTTP completions, timers: hundreds of items in a burst), and while it ran it had one thread's share of the cores among
/// the pool's ten or more. Here a post wakes the thread directly, and at nice −10 the serial lane is served before the
/// parallel work it feeds. The thread is created at the first post and ends after <see cref="IdleLifetime"/> without
/// work (the next post starts another), so an application that takes no calls holds no thread.
/// </remarks>
internal sealed class DedicatedVmScheduler : VmScheduler
{
    /// <summary>How long the thread waits for work before it ends.</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;
    private readonly string _applicationId;
    private readonly VmThread _priority;
    private readonly ILogger _logger;
    private readonly object _wake = new();
    private readonly TimeSpan _idleLifetime;
    // 1 from a post until the thread takes the work it announces; posts while it is 1 need not wake anyone.
    private int _signalled;
    private Thread? _thread;
    private int _threadsStarted;
    private bool _refusalLogged;

    /// <summary>Creates the scheduler; no thread until work is posted.</summary>
    public DedicatedVmScheduler(TimeProvider time, string applicationId, VmThread priority, ILogger logger, TimeSpan? idleLifetime = null)
    {
        if (priority == VmThread.Pool) throw new ArgumentOutOfRangeException(nameof(priority), priority, "a dedicated VM thread is High or Normal");
        _time = time;
        _applicationId = applicationId;
        _priority = priority;
        _logger = logger;
        _idleLifetime = idleLifetime ?? IdleLifetime;
    }

    /// <summary>Threads started so far (one at a time; a new one after each idle end).</summary>
    public int ThreadsStarted => Volatile.Read(ref _threadsStarted);

    /// <summary>True while the VM's thread exists.</summary>
    public bool HasThread
    {
        get { lock (_wake) return _thread is not null; }
    }

    /// <inheritdoc />
    public override DateTimeOffset UtcNow => _time.GetUtcNow();

    /// <inheritdoc />
    public override IDisposable Schedule(TimeSpan dueIn, Action work) =>
        _time.CreateTimer(_ => Post(work), null, dueIn, Timeout.InfiniteTimeSpan);

    /// <inheritdoc />
    protected override void OnWorkPosted()
    {
        // Posts come from every thread (SIP, HTTP completions, timers): only the first since the thread last looked takes
        // the lock to wake it.
        if (Interlocked.Exchange(ref _signalled, 1) == 1) return;
        lock (_wake)
        {
            if (_thread is not null)
            {
                Monitor.Pulse(_wake);
                return;
            }
            Interlocked.Increment(ref _threadsStarted);
            _thread = new Thread(Run)
            {
                IsBackground = true,
                Name = "ncco-vm " + (_applicationId.Length > 8 ? _applicationId[..8] : _applicationId),
            };
            // Without the poster's execution context: VM work runs with none, as on the pool (UnsafeQueueUserWorkItem), so
            // no caller's ambient state (a request's tracing span) becomes the VM's for the thread's lifetime.
            _thread.UnsafeStart();
        }
    }

    private void Run()
    {
        if (_priority == VmThread.High && !MediaThreadScheduling.TryApply(MediaThreadPriority.High, out var error) && !_refusalLogged)
        {
            _refusalLogged = true;
            _logger.VmPriorityRefused(_applicationId, _priority, error ?? "");
        }
        while (true)
        {
            lock (_wake)
            {
                while (Volatile.Read(ref _signalled) == 0)
                {
                    if (!Monitor.Wait(_wake, _idleLifetime) && Volatile.Read(ref _signalled) == 0)
                    {
                        // Idle: the thread ends under the lock, so the next post (which takes it) starts another.
                        _thread = null;
                        return;
                    }
                }
            }
            Interlocked.Exchange(ref _signalled, 0);
            // Everything posted before the flag was cleared runs now; a post during the run sets it again.
            RunPending();
        }
    }
}
