namespace Ncco.Host.Observability;

/// <summary>Logging scopes that tie log lines to a call.</summary>
public static class CallLoggingExtensions
{
    /// <summary>
    /// Starts a scope whose every log line carries <c>CallUuid</c> (and <c>ConversationUuid</c> when known): with the
    /// JSON console formatter (<c>Logging:Console:FormatterName=json</c>) they appear as properties of
    /// <c>Scopes</c>, so one call's lines can be filtered out of a busy host's log.
    /// </summary>
    /// <returns>The scope to dispose when the call's work ends, or null when the logger keeps no scopes.</returns>
    public static IDisposable? BeginCallScope(this ILogger logger, string callUuid, string? conversationUuid)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(callUuid);
        return logger.BeginScope(new CallLogScope(callUuid, conversationUuid));
    }
}
