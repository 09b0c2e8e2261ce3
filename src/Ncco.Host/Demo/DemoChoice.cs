namespace Ncco.Host.Demo;

/// <summary>What a caller chose in the demo menu.</summary>
public enum DemoChoice
{
    /// <summary>Nothing recognisable (or nothing at all).</summary>
    Unknown,

    /// <summary>1 or "echo": connect to the echo bot.</summary>
    Echo,

    /// <summary>2 or "time": say the time.</summary>
    Time,

    /// <summary>3 or "goodbye": hang up.</summary>
    Goodbye,
}
