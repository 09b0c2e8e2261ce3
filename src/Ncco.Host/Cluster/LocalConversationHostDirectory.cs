using System.Collections.Concurrent;

namespace Ncco.Host.Cluster;

/// <summary>
/// The conversation-host directory of a single node (the SQLite store): this node hosts every conversation. The claims
/// are kept in memory, so the directory answers exactly as the shared one does for one node (a second claim of a name
/// returns the first conversation uuid until it is released); they die with the process, as the conversations do.
/// </summary>
public sealed class LocalConversationHostDirectory : IConversationHostDirectory
{
    private readonly ConcurrentDictionary<(string Application, string Name), string> _claims = new();

    /// <inheritdoc />
    public string ThisNode { get; } = Environment.MachineName;

    /// <inheritdoc />
    public TimeSpan TakeOverAfter => TimeSpan.Zero;

    /// <inheritdoc />
    public Task<ConversationHost> ClaimAsync(string applicationId, string name, string proposedConversationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(applicationId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(proposedConversationId);
        var id = _claims.GetOrAdd((applicationId, name), proposedConversationId);
        return Task.FromResult(new ConversationHost(ThisNode, id, null, IsThisNode: true));
    }

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(string applicationId, string name, string conversationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(applicationId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return Task.FromResult(_claims.TryRemove(new KeyValuePair<(string, string), string>((applicationId, name), conversationId)));
    }
}
