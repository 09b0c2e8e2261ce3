namespace Ncco.Calls;

/// <summary>No live or finished leg has this uuid (REST: 404).</summary>
public sealed class CallNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CallNotFoundException(string uuid) : base($"No call leg with uuid '{uuid}'.") => Uuid = uuid;

    /// <summary>The uuid looked up.</summary>
    public string Uuid { get; }
}

/// <summary>The leg exists but is not in a state that allows the operation (REST: 400).</summary>
public sealed class CallStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CallStateException(string message) : base(message)
    {
    }
}
