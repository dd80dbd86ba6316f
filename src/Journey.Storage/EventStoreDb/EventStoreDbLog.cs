using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Journey.Storage.EventStoreDb;

internal static partial class EventStoreDbLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "EventStoreDB {Operation} on {Node} failed with {StatusCode} (try {Attempt}); retrying in {Delay}")]
    public static partial void CallRetried(ILogger logger, string operation, string node, StatusCode statusCode, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "EventStoreDB node {Node} is not the leader; following it to {Leader}")]
    public static partial void RedirectedToLeader(ILogger logger, string node, string leader);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "EventStoreDB server certificates are NOT verified (tlsVerifyCert=false); use this only for throw-away test clusters")]
    public static partial void CertificateNotVerified(ILogger logger);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Subscription to $all caught up at {Position}; following live appends")]
    public static partial void SubscriptionCaughtUp(ILogger logger, ulong? position);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Subscription to $all on {Node} dropped ({StatusCode}); resuming after position {Position} in {Delay}")]
    public static partial void SubscriptionDropped(ILogger logger, string node, StatusCode statusCode, ulong? position, TimeSpan delay, Exception? exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Subscription {SubscriptionId} to $all confirmed by {Node}")]
    public static partial void SubscriptionConfirmed(ILogger logger, string subscriptionId, string node);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Server reported subscription to $all {State} at position {Position}")]
    public static partial void SubscriptionServerState(ILogger logger, string state, ulong? position);
}
