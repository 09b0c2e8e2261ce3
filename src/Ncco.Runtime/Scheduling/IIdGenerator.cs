namespace Ncco.Scheduling;

/// <summary>What an id is for; lets deterministic generators keep readable sequences per kind.</summary>
public enum IdKind
{
    /// <summary>A call leg uuid.</summary>
    Leg,

    /// <summary>A conversation uuid (rendered with the <c>CON-</c> prefix).</summary>
    Conversation,

    /// <summary>A recording uuid.</summary>
    Recording,

    /// <summary>A recording file id (the last segment of <c>recording_url</c>).</summary>
    File,

    /// <summary>A JWT id for signed webhooks.</summary>
    Jwt,
}

/// <summary>Source of ids; injected so tests are deterministic.</summary>
public interface IIdGenerator
{
    /// <summary>Returns a new, unique, lower-case dashed UUID string for <paramref name="kind"/>.</summary>
    string NewId(IdKind kind);
}

/// <summary>Random UUIDv4 ids (production default).</summary>
public sealed class GuidIdGenerator : IIdGenerator
{
    /// <summary>Shared instance.</summary>
    public static GuidIdGenerator Instance { get; } = new();

    /// <inheritdoc />
    public string NewId(IdKind kind) => Guid.NewGuid().ToString("D");
}
