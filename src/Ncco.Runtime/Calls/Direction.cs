namespace Ncco.Calls;

/// <summary>Leg direction as in the <c>direction</c> field.</summary>
public static class Direction
{
    /// <summary>The party called the application.</summary>
    public const string Inbound = "inbound";
    /// <summary>The platform called the party.</summary>
    public const string Outbound = "outbound";
}
