using System.Runtime.CompilerServices;
using Grpc.Core;
using Journey.Storage.EventStoreDb.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Journey.Storage.EventStoreDb;

/// <summary>
/// <see cref="IEventStore"/> on an EventStoreDB (23.10 or later) or KurrentDB cluster, spoken to over its
/// public gRPC protocol (the subset in protos/eventstore). Every call goes to the leader; calls are retried
/// on unavailable nodes and follow not-leader answers; subscriptions resume after a dropped connection
/// from the last position they delivered.
/// </summary>
/// <remarks>
/// <para>Positions are EventStoreDB commit positions (see <see cref="EventStoreDbProtocol"/> for why one
/// number is enough). EventStoreDB reports one position per append, not one per event, so
/// <see cref="AppendAsync"/> reads the appended events back from the stream (one extra read on the
/// leader) to return each event's position.</para>
/// <para>A null <see cref="StreamFilter"/> means every user stream: EventStoreDB's $-prefixed system
/// streams are never delivered.</para>
/// </remarks>
public sealed class EventStoreDbEventStore : IEventStore
{
    /// <summary>Events per read call; each page is one call with its own deadline and retries.</summary>
    internal const int DefaultPageSize = 500;

    /// <summary>Events the server scans per internal page of a filtered read or subscription.</summary>
    internal const uint FilterWindow = 100;

    /// <summary>A subscription checkpoint every FilterWindow × this many events considered (500).</summary>
    internal const uint CheckpointMultiplier = 5;

    private readonly EventStoreDbCluster _cluster;
    private readonly ILogger _logger;
    private readonly int _pageSize;

    /// <summary>Connects (lazily, on the first call) to the cluster <paramref name="settings"/> describe.</summary>
    public EventStoreDbEventStore(EventStoreDbConnectionString settings, ILoggerFactory? loggerFactory = null)
        : this(settings, loggerFactory, DefaultPageSize)
    {
    }

    /// <summary>With a page size of its own, so that tests can make every read cross page boundaries.</summary>
    internal EventStoreDbEventStore(EventStoreDbConnectionString settings, ILoggerFactory? loggerFactory, int pageSize)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Nodes.Count == 0)
        {
            throw new ArgumentException("The EventStoreDB settings name no node.", nameof(settings));
        }
        // Two at least: a page re-reads the event it starts from, so a page of one would never move on.
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 2);
        loggerFactory ??= NullLoggerFactory.Instance;
        _cluster = new EventStoreDbCluster(settings, loggerFactory);
        _logger = loggerFactory.CreateLogger<EventStoreDbEventStore>();
        _pageSize = pageSize;
    }

    /// <summary>The settings this store was created with.</summary>
    public EventStoreDbConnectionString Settings => _cluster.Settings;

    /// <summary>Creates a store from a connection string such as <c>esdb://admin:changeit@node1:2113,node2:2113?tls=true</c>.</summary>
    /// <exception cref="FormatException">The connection string is malformed; the message says where.</exception>
    public static EventStoreDbEventStore Create(string connectionString, ILoggerFactory? loggerFactory = null) =>
        new(EventStoreDbConnectionString.Parse(connectionString), loggerFactory);

    /// <inheritdoc />
    /// <remarks>
    /// An empty list, a null event, an empty type and an event id repeated within the append are refused
    /// with <see cref="ArgumentException"/>. EventStoreDB cannot tell that an id is used in another stream,
    /// so <see cref="DuplicateEventIdException"/> is never thrown.
    /// </remarks>
    public Task<AppendResult> AppendAsync(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }
        var copy = new EventData[events.Count];
        var ids = new HashSet<Guid>(events.Count);
        for (var i = 0; i < copy.Length; i++)
        {
            var e = events[i] ?? throw new ArgumentException("An event is null.", nameof(events));
            ArgumentException.ThrowIfNullOrEmpty(e.Type, nameof(events));
            if (!ids.Add(e.EventId))
            {
                throw new ArgumentException($"Event id {e.EventId} occurs twice in one append.", nameof(events));
            }
            copy[i] = e;
        }
        return AppendCoreAsync(stream, expected, copy, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks><paramref name="fromRevision"/> is inclusive; null starts at the first event (forwards) or the last (backwards).</remarks>
    public async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(
        string stream,
        ReadDirection direction,
        ulong? fromRevision = null,
        long maxCount = long.MaxValue,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var remaining = maxCount;
        var from = fromRevision;
        while (remaining > 0)
        {
            var count = (int)Math.Min(remaining, _pageSize);
            var page = await ReadPageAsync(EventStoreDbProtocol.ReadStream(stream, direction, from, (ulong)count), cancellationToken).ConfigureAwait(false);
            if (page.StreamNotFound)
            {
                yield break;
            }
            foreach (var e in page.Events)
            {
                yield return e;
            }
            remaining -= page.Events.Count;
            if (page.Events.Count < count)
            {
                yield break;
            }
            var last = page.Events[^1].StreamRevision;
            if (direction == ReadDirection.Backwards && last == 0)
            {
                yield break;
            }
            from = direction == ReadDirection.Forwards ? last + 1 : last - 1;
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(ReadDirection direction, ulong? after = null, long maxCount = long.MaxValue, StreamFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var filterOptions = EventStoreDbProtocol.Filter(filter, FilterWindow, CheckpointMultiplier);
        return ReadAllCoreAsync(direction, after, maxCount, filterOptions, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <para>How "caught up" is decided: EventStoreDB 23.10 does not reliably tell a subscriber when it
    /// switches to live events, so the past is read here first: the position of the last record in $all is
    /// taken, then $all is read forwards (filtered on the server) from <paramref name="after"/> until a page
    /// comes back short, which is the end of the log at that moment. Then <see cref="CaughtUp"/> is
    /// delivered (preceded by a <see cref="Checkpoint"/> at the last record when the filter skipped the tail)
    /// and only then does the server-side subscription start, from the last position delivered. A
    /// caught-up message the server sends later is not repeated.</para>
    /// <para>A dropped subscription is resumed from the last event or checkpoint delivered (the server starts
    /// after it), so nothing is missed and, with a guard against positions not above it, nothing is
    /// delivered twice. Resuming is retried without end, with a back-off of at most 5 s; refusals (access
    /// denied, bad request) end the enumeration with an exception, as do read failures while catching up
    /// that outlast the retries.</para>
    /// </remarks>
    public IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(ulong? after, StreamFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var filterOptions = EventStoreDbProtocol.Filter(filter, FilterWindow, CheckpointMultiplier);
        return SubscribeCoreAsync(after, filterOptions, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _cluster.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<AppendResult> AppendCoreAsync(string stream, ExpectedRevision expected, EventData[] events, CancellationToken cancellationToken)
    {
        var response = await _cluster.ExecuteAsync(
            "append",
            async (client, options) =>
            {
                using var call = client.Append(options);
                try
                {
                    foreach (var request in EventStoreDbProtocol.AppendRequests(stream, expected, events))
                    {
                        await call.RequestStream.WriteAsync(request, options.CancellationToken).ConfigureAwait(false);
                    }
                    await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when ((ex is RpcException or InvalidOperationException or IOException) && !options.CancellationToken.IsCancellationRequested)
                {
                    // A node that refuses (not leader, not ready) answers before reading what we send, and a
                    // write racing that answer fails without its status and trailers: the response has them.
                }
                return await call.ResponseAsync.ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

        switch (EventStoreDbProtocol.ToAppendOutcome(response))
        {
            case AppendOutcome.WrongExpectedVersion wrong:
                throw new WrongExpectedRevisionException(stream, expected, wrong.ActualRevision);
            case AppendOutcome.Succeeded { CurrentRevision: { } current } when current + 1 >= (ulong)events.Length:
                var positions = await ReadBackPositionsAsync(stream, current, events, cancellationToken).ConfigureAwait(false);
                return new AppendResult(current, positions);
            default:
                throw new InvalidDataException($"EventStoreDB acknowledged the append of {events.Length} events to '{stream}' without a stream revision that can hold them.");
        }
    }

    /// <summary>
    /// Reads the appended events back to learn each one's position: EventStoreDB acknowledges an append
    /// with one position for the whole write. The read goes to the leader, which has indexed the write
    /// before acknowledging it; an idempotent re-append finds the original events the same way.
    /// </summary>
    private async Task<ulong[]> ReadBackPositionsAsync(string stream, ulong lastRevision, EventData[] events, CancellationToken cancellationToken)
    {
        var first = lastRevision + 1 - (ulong)events.Length;
        var page = await ReadPageAsync(EventStoreDbProtocol.ReadStream(stream, ReadDirection.Forwards, first, (ulong)events.Length), cancellationToken).ConfigureAwait(false);
        var positions = new ulong[events.Length];
        for (var i = 0; i < events.Length; i++)
        {
            if (i >= page.Events.Count || page.Events[i].EventId != events[i].EventId || page.Events[i].StreamRevision != first + (ulong)i)
            {
                throw new InvalidOperationException(
                    $"The events appended to '{stream}' at revisions {first}..{lastRevision} could not be read back (is the stream truncated by $maxCount or $tb?), so their positions are unknown.");
            }
            positions[i] = page.Events[i].Position;
        }
        return positions;
    }

    private async IAsyncEnumerable<RecordedEvent> ReadAllCoreAsync(
        ReadDirection direction,
        ulong? after,
        long maxCount,
        ReadReq.Types.Options.Types.FilterOptions filter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var remaining = maxCount;
        var bound = after;
        while (remaining > 0)
        {
            var request = EventStoreDbProtocol.ReadAll(direction, bound, (ulong)_pageSize, filter);
            var page = await ReadPageAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var e in page.Events)
            {
                // The server reads from a position inclusively; our contract excludes it, forwards and backwards.
                if (bound is { } b && (direction == ReadDirection.Forwards ? e.Position <= b : e.Position >= b))
                {
                    continue;
                }
                yield return e;
                if (--remaining == 0)
                {
                    yield break;
                }
            }
            if (page.Events.Count < _pageSize)
            {
                yield break;
            }
            bound = page.Events[^1].Position;
        }
    }

    private async IAsyncEnumerable<SubscriptionMessage> SubscribeCoreAsync(
        ulong? after,
        ReadReq.Types.Options.Types.FilterOptions filter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = after;
        var head = await ReadHeadPositionAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var e in ReadAllCoreAsync(ReadDirection.Forwards, cursor, long.MaxValue, filter, cancellationToken).ConfigureAwait(false))
        {
            cursor = e.Position;
            yield return new EventAppeared(e);
        }
        if (head is { } h && (cursor is null || h > cursor))
        {
            // Everything up to the last record was read; the filter skipped the tail.
            cursor = h;
            yield return new Checkpoint(h);
        }
        EventStoreDbLog.SubscriptionCaughtUp(_logger, cursor);
        yield return new CaughtUp(cursor);

        var drops = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var node = _cluster.Current;
            RpcException? failure = null;
            using (var call = _cluster.ClientFor(node).Read(
                EventStoreDbProtocol.SubscribeToAll(cursor, filter),
                _cluster.CallOptions(withDeadline: false, cancellationToken)))
            {
                var responses = call.ResponseStream;
                while (true)
                {
                    bool moved;
                    try
                    {
                        moved = await responses.MoveNext(cancellationToken).ConfigureAwait(false);
                    }
                    catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        if (!EventStoreDbCluster.IsResumable(ex))
                        {
                            if (EventStoreDbCluster.Translate(ex) is { } translated)
                            {
                                throw translated;
                            }
                            throw;
                        }
                        failure = ex;
                        break;
                    }
                    if (!moved)
                    {
                        break;
                    }
                    var response = responses.Current;
                    switch (response.ContentCase)
                    {
                        case ReadResp.ContentOneofCase.Event:
                            var e = EventStoreDbProtocol.ToRecordedEvent(response.Event);
                            if (cursor is null || e.Position > cursor)
                            {
                                cursor = e.Position;
                                drops = 0;
                                yield return new EventAppeared(e);
                            }
                            break;
                        case ReadResp.ContentOneofCase.Checkpoint:
                            var position = response.Checkpoint.CommitPosition;
                            if (cursor is null || position > cursor)
                            {
                                cursor = position;
                                drops = 0;
                                yield return new Checkpoint(position);
                            }
                            break;
                        case ReadResp.ContentOneofCase.Confirmation:
                            EventStoreDbLog.SubscriptionConfirmed(_logger, response.Confirmation.SubscriptionId, node.ToString());
                            break;
                        case ReadResp.ContentOneofCase.CaughtUp:
                            EventStoreDbLog.SubscriptionServerState(_logger, "caught up", cursor);
                            break;
                        case ReadResp.ContentOneofCase.FellBehind:
                            EventStoreDbLog.SubscriptionServerState(_logger, "fell behind", cursor);
                            break;
                        default:
                            // Nothing else is expected on a subscription; what a newer server adds is skipped.
                            break;
                    }
                }
            }

            // The server never ends a subscription on its own: an end without an error is a node going away.
            drops++;
            var reason = failure is null ? NodeFailure.Unavailable.Instance : EventStoreDbCluster.Classify(failure);
            // A stream cut for another reason (reset, aborted) is resumed on the same node after a back-off.
            var delay = reason is NodeFailure.Fatal ? _cluster.Backoff(drops) : _cluster.OnFailure(node, reason, drops);
            EventStoreDbLog.SubscriptionDropped(_logger, node.ToString(), failure?.StatusCode ?? StatusCode.OK, cursor, delay, failure);
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The position of the last record in $all, system records included; null when the log is empty.</summary>
    private Task<ulong?> ReadHeadPositionAsync(CancellationToken cancellationToken) =>
        _cluster.ExecuteAsync<ulong?>(
            "read $all head",
            async (client, options) =>
            {
                using var call = client.Read(EventStoreDbProtocol.ReadAll(ReadDirection.Backwards, null, 1, filter: null), options);
                ulong? head = null;
                await foreach (var response in call.ResponseStream.ReadAllAsync(options.CancellationToken).ConfigureAwait(false))
                {
                    if (response.ContentCase == ReadResp.ContentOneofCase.Event)
                    {
                        head = response.Event.PositionCase == ReadResp.Types.ReadEvent.PositionOneofCase.CommitPosition
                            ? response.Event.CommitPosition
                            : response.Event.Event?.CommitPosition;
                    }
                }
                return head;
            },
            cancellationToken);

    private Task<ReadPage> ReadPageAsync(ReadReq request, CancellationToken cancellationToken) =>
        _cluster.ExecuteAsync(
            "read",
            async (client, options) =>
            {
                using var call = client.Read(request, options);
                var events = new List<RecordedEvent>();
                var notFound = false;
                await foreach (var response in call.ResponseStream.ReadAllAsync(options.CancellationToken).ConfigureAwait(false))
                {
                    switch (response.ContentCase)
                    {
                        case ReadResp.ContentOneofCase.Event:
                            events.Add(EventStoreDbProtocol.ToRecordedEvent(response.Event));
                            break;
                        case ReadResp.ContentOneofCase.StreamNotFound:
                            notFound = true;
                            break;
                        default:
                            break;
                    }
                }
                return new ReadPage(events, notFound);
            },
            cancellationToken);

    /// <summary>One read call's answer, buffered so that a failed call can be retried as a whole.</summary>
    private sealed record ReadPage(List<RecordedEvent> Events, bool StreamNotFound);
}
