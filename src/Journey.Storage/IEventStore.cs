namespace Journey.Storage;

/// <summary>
/// Our own event-store interface: streams with revisions, one global log with positions, event ids as
/// idempotency keys. Shaped after EventStoreDB's semantics so that the embedded SQLite store, our
/// EventStoreDB adapter and, later, the official client can stand behind it interchangeably.
/// </summary>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>
    /// Appends events to a stream if its current revision matches <paramref name="expected"/>.
    /// Returns only once the events are durable. Re-appending the same event ids at the same place is
    /// idempotent and returns the original result.
    /// </summary>
    /// <exception cref="WrongExpectedRevisionException">The stream is not at the expected revision.</exception>
    /// <exception cref="DuplicateEventIdException">An event id is already stored in another stream (stores that can tell).</exception>
    Task<AppendResult> AppendAsync(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default);

    /// <summary>Reads a stream; empty when the stream does not exist.</summary>
    IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string stream, ReadDirection direction, ulong? fromRevision = null, long maxCount = long.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the global log. Forwards, <paramref name="after"/> is exclusive (null = from the start);
    /// backwards, it reads positions below <paramref name="after"/> (null = from the end).
    /// </summary>
    IAsyncEnumerable<RecordedEvent> ReadAllAsync(ReadDirection direction, ulong? after = null, long maxCount = long.MaxValue, StreamFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Catch-up subscription to the global log: every event after <paramref name="after"/> (null = from
    /// the start) in order, exactly once, then live events as they are committed; checkpoints now and then
    /// (also while the filter skips events) and one <see cref="CaughtUp"/> when the past is read.
    /// </summary>
    IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(ulong? after, StreamFilter? filter = null, CancellationToken cancellationToken = default);
}

public enum ReadDirection
{
    Forwards,
    Backwards,
}

public enum ExpectedRevisionKind
{
    Any,
    NoStream,
    StreamExists,
    Exact,
}

/// <summary>The optimistic-concurrency condition of an append, as EventStoreDB defines it.</summary>
public readonly record struct ExpectedRevision(ExpectedRevisionKind Kind, ulong Revision)
{
    public static readonly ExpectedRevision Any = new(ExpectedRevisionKind.Any, 0);
    public static readonly ExpectedRevision NoStream = new(ExpectedRevisionKind.NoStream, 0);
    public static readonly ExpectedRevision StreamExists = new(ExpectedRevisionKind.StreamExists, 0);

    public static ExpectedRevision Exact(ulong revision) => new(ExpectedRevisionKind.Exact, revision);

    /// <summary>NoStream for a stream never written, else the exact revision of its last event.</summary>
    public static ExpectedRevision After(ulong? lastRevision) => lastRevision is { } r ? Exact(r) : NoStream;

    public override string ToString() => Kind == ExpectedRevisionKind.Exact ? Revision.ToString(System.Globalization.CultureInfo.InvariantCulture) : Kind.ToString();
}

/// <summary>An event to append. Data and metadata are UTF-8 JSON.</summary>
public sealed record EventData(Guid EventId, string Type, ReadOnlyMemory<byte> Data, ReadOnlyMemory<byte> Metadata);

/// <summary>A stored event.</summary>
public sealed record RecordedEvent(
    string Stream,
    ulong StreamRevision,
    ulong Position,
    Guid EventId,
    string Type,
    ReadOnlyMemory<byte> Data,
    ReadOnlyMemory<byte> Metadata,
    DateTimeOffset Created);

/// <summary>
/// The outcome of a successful append: the revision of the stream's last event now, and the global
/// position of each appended event, in order.
/// </summary>
public sealed record AppendResult(ulong NextExpectedRevision, IReadOnlyList<ulong> Positions);

/// <summary>Which events a read or subscription over the global log delivers.</summary>
public sealed record StreamFilter(IReadOnlyList<string> StreamPrefixes)
{
    public static StreamFilter Prefix(params string[] prefixes) => new(prefixes);

    public bool Matches(string stream)
    {
        foreach (var prefix in StreamPrefixes)
        {
            if (stream.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>What a subscription delivers.</summary>
public abstract record SubscriptionMessage;

public sealed record EventAppeared(RecordedEvent Event) : SubscriptionMessage;

/// <summary>Everything up to and including this position has been delivered (or filtered out).</summary>
public sealed record Checkpoint(ulong Position) : SubscriptionMessage;

/// <summary>The subscription has delivered the past and now follows live appends.</summary>
public sealed record CaughtUp(ulong? Position) : SubscriptionMessage;

/// <summary>The stream was not at the revision the append expected.</summary>
public sealed class WrongExpectedRevisionException(string stream, ExpectedRevision expected, ulong? actual)
    : Exception($"Stream '{stream}' expected at revision {expected}, actual {(actual is { } a ? a.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no stream")}.")
{
    public string Stream { get; } = stream;
    public ExpectedRevision Expected { get; } = expected;
    /// <summary>The stream's actual last revision; null when it does not exist.</summary>
    public ulong? Actual { get; } = actual;
}

/// <summary>An event id is already stored, in another stream or at another place.</summary>
public sealed class DuplicateEventIdException(Guid eventId, string existingStream, ulong existingPosition)
    : Exception($"Event id {eventId} is already stored in another place.")
{
    public Guid EventId { get; } = eventId;
    public string ExistingStream { get; } = existingStream;
    public ulong ExistingPosition { get; } = existingPosition;
}
