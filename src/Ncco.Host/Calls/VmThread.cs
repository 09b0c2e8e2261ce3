namespace Ncco.Host.Calls;

/// <summary>Where an application's NCCO VM runs its work (<c>Ncco:Calls:VmThread</c>).</summary>
public enum VmThread
{
    /// <summary>Work items on the .NET thread pool, in its queue with everything else (the default).</summary>
    Pool,

    /// <summary>
    /// A thread of its own at nice −10 (Linux; needs CAP_SYS_NICE, otherwise it runs at normal priority and a warning
    /// is logged once): the VM's one serial lane gets a core before the thread pool's many threads do.
    /// </summary>
    High,

    /// <summary>A thread of its own at normal priority.</summary>
    Normal,
}
