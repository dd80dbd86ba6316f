using System.Globalization;
using Google.Protobuf;
using Journey.Storage.EventStoreDb.Protocol;
using ProtoReadDirection = Journey.Storage.EventStoreDb.Protocol.ReadReq.Types.Options.Types.ReadDirection;
using ReadOptions = Journey.Storage.EventStoreDb.Protocol.ReadReq.Types.Options;

namespace Journey.Storage.EventStoreDb;

/// <summary>
/// Translation between our store's types and EventStoreDB's gRPC messages (protos/eventstore), kept free of
/// I/O so that the wire format can be pinned byte for byte in tests.
/// </summary>
/// <remarks>
/// Positions: EventStoreDB positions are (commit, prepare) pairs. Since v20 every append is an implicit
/// transaction in which each event commits itself, so an event's commit and prepare positions are equal and
/// the commit position alone identifies it in $all. Journey stores only the commit position and sends it
/// as both halves when it resumes. Events written by the legacy TCP client in explicit transactions would
/// break this assumption (several events would share one commit position); Journey never writes those.
/// </remarks>
internal static class EventStoreDbProtocol
{
    public const string TypeKey = "type";
    public const string ContentTypeKey = "content-type";
    public const string CreatedKey = "created";
    public const string ApplicationJson = "application/json";

    /// <summary>
    /// The stream-name filter that stands for "no filter": every stream but EventStoreDB's own system
    /// streams ($-prefixed: $stats, $scavenges, stream metadata, projections), which are not part of
    /// Journey's log and are absent from the embedded store.
    /// </summary>
    public const string UserStreamsRegex = "^[^$]";

    private static readonly Empty EmptyMessage = new();

    public static IEnumerable<AppendReq> AppendRequests(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events)
    {
        yield return new AppendReq { Options = AppendOptions(stream, expected) };
        foreach (var @event in events)
        {
            yield return new AppendReq { ProposedMessage = ProposedMessage(@event) };
        }
    }

    public static AppendReq.Types.Options AppendOptions(string stream, ExpectedRevision expected)
    {
        var options = new AppendReq.Types.Options { StreamIdentifier = StreamIdentifier(stream) };
        switch (expected.Kind)
        {
            case ExpectedRevisionKind.Any:
                options.Any = EmptyMessage;
                break;
            case ExpectedRevisionKind.NoStream:
                options.NoStream = EmptyMessage;
                break;
            case ExpectedRevisionKind.StreamExists:
                options.StreamExists = EmptyMessage;
                break;
            case ExpectedRevisionKind.Exact:
                options.Revision = expected.Revision;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(expected), expected.Kind, "Unknown expected-revision kind.");
        }
        return options;
    }

    public static AppendReq.Types.ProposedMessage ProposedMessage(EventData @event)
    {
        var message = new AppendReq.Types.ProposedMessage
        {
            Id = new UUID { String = @event.EventId.ToString("D") },
            CustomMetadata = ByteString.CopyFrom(@event.Metadata.Span),
            Data = ByteString.CopyFrom(@event.Data.Span),
        };
        // The server refuses an append without both keys; it stores content-type as the event's is-JSON flag.
        message.Metadata.Add(TypeKey, @event.Type);
        message.Metadata.Add(ContentTypeKey, ApplicationJson);
        return message;
    }

    /// <summary>What an append came back with.</summary>
    public static AppendOutcome ToAppendOutcome(AppendResp response) => response.ResultCase switch
    {
        AppendResp.ResultOneofCase.Success => new AppendOutcome.Succeeded(
            response.Success.CurrentRevisionOptionCase == AppendResp.Types.Success.CurrentRevisionOptionOneofCase.CurrentRevision
                ? response.Success.CurrentRevision
                : null,
            response.Success.PositionOptionCase == AppendResp.Types.Success.PositionOptionOneofCase.Position
                ? response.Success.Position.CommitPosition
                : null),
        AppendResp.ResultOneofCase.WrongExpectedVersion => new AppendOutcome.WrongExpectedVersion(ActualRevision(response.WrongExpectedVersion)),
        _ => throw new InvalidDataException("EventStoreDB answered an append with neither success nor wrong-expected-version."),
    };

    private static ulong? ActualRevision(AppendResp.Types.WrongExpectedVersion wrong) => wrong.CurrentRevisionOptionCase switch
    {
        AppendResp.Types.WrongExpectedVersion.CurrentRevisionOptionOneofCase.CurrentRevision => wrong.CurrentRevision,
        AppendResp.Types.WrongExpectedVersion.CurrentRevisionOptionOneofCase.CurrentNoStream => null,
        // Only a 20.6.0 server fills the old fields instead.
        _ => wrong.CurrentRevisionOption2060Case == AppendResp.Types.WrongExpectedVersion.CurrentRevisionOption2060OneofCase.CurrentRevision2060
            ? wrong.CurrentRevision2060
            : null,
    };

    public static ReadReq ReadStream(string stream, ReadDirection direction, ulong? fromRevision, ulong count)
    {
        var streamOptions = new ReadOptions.Types.StreamOptions { StreamIdentifier = StreamIdentifier(stream) };
        if (fromRevision is { } revision)
        {
            streamOptions.Revision = revision;
        }
        else if (direction == ReadDirection.Forwards)
        {
            streamOptions.Start = EmptyMessage;
        }
        else
        {
            streamOptions.End = EmptyMessage;
        }
        var options = NewOptions(direction);
        options.Stream = streamOptions;
        options.Count = count;
        options.NoFilter = EmptyMessage;
        return new ReadReq { Options = options };
    }

    /// <summary>
    /// A read of $all from a position (inclusive forwards, as the server reads it) or from the start or end;
    /// <paramref name="filter"/> null reads every record, system streams included.
    /// </summary>
    public static ReadReq ReadAll(ReadDirection direction, ulong? fromPosition, ulong count, ReadOptions.Types.FilterOptions? filter)
    {
        var options = NewOptions(direction);
        options.All = AllFrom(fromPosition, direction);
        options.Count = count;
        SetFilter(options, filter);
        return new ReadReq { Options = options };
    }

    /// <summary>A subscription to $all that delivers what follows <paramref name="after"/> (exclusive), or everything.</summary>
    public static ReadReq SubscribeToAll(ulong? after, ReadOptions.Types.FilterOptions filter)
    {
        var options = NewOptions(ReadDirection.Forwards);
        options.All = AllFrom(after, ReadDirection.Forwards);
        options.Subscription = new ReadOptions.Types.SubscriptionOptions();
        SetFilter(options, filter);
        return new ReadReq { Options = options };
    }

    /// <summary>
    /// The server-side filter for our <see cref="StreamFilter"/>: stream-name prefixes, or all user streams.
    /// The server scans at most <paramref name="window"/> events per internal page and, in subscriptions,
    /// sends a checkpoint after every <paramref name="window"/> × <paramref name="checkpointMultiplier"/>
    /// events it considered, matching or not.
    /// </summary>
    public static ReadOptions.Types.FilterOptions Filter(StreamFilter? filter, uint window, uint checkpointMultiplier)
    {
        var expression = new ReadOptions.Types.FilterOptions.Types.Expression();
        if (filter is null)
        {
            expression.Regex = UserStreamsRegex;
        }
        else
        {
            if (filter.StreamPrefixes.Count == 0)
            {
                throw new ArgumentException("A stream filter needs at least one prefix.", nameof(filter));
            }
            expression.Prefix.AddRange(filter.StreamPrefixes);
        }
        return new ReadOptions.Types.FilterOptions
        {
            StreamIdentifier = expression,
            Max = window,
            CheckpointIntervalMultiplier = checkpointMultiplier,
        };
    }

    /// <summary>Maps an event the server sent to our <see cref="RecordedEvent"/>.</summary>
    /// <exception cref="InvalidDataException">A field the protocol always fills is missing.</exception>
    public static RecordedEvent ToRecordedEvent(ReadResp.Types.ReadEvent readEvent)
    {
        var e = readEvent.Event ?? throw new InvalidDataException("EventStoreDB sent a read event without its event record.");
        if (e.Id is null || e.Id.ValueCase != UUID.ValueOneofCase.String || !Guid.TryParse(e.Id.String, out var eventId))
        {
            throw new InvalidDataException("EventStoreDB sent an event without a string event id (the read asks for the string form).");
        }
        var stream = e.StreamIdentifier?.StreamName.ToStringUtf8();
        if (string.IsNullOrEmpty(stream))
        {
            throw new InvalidDataException($"EventStoreDB sent event {eventId} without a stream name.");
        }
        if (!e.Metadata.TryGetValue(TypeKey, out var type))
        {
            throw new InvalidDataException($"EventStoreDB sent event {eventId} without a '{TypeKey}'.");
        }
        if (!e.Metadata.TryGetValue(CreatedKey, out var createdText)
            || !long.TryParse(createdText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var createdTicks))
        {
            throw new InvalidDataException($"EventStoreDB sent event {eventId} without a readable '{CreatedKey}'.");
        }
        // A server that does not know the position sends -1, i.e. ulong.MaxValue; servers since 21.x
        // fill it for stream reads too, because every event commits itself.
        var position = readEvent.PositionCase == ReadResp.Types.ReadEvent.PositionOneofCase.CommitPosition
            ? readEvent.CommitPosition
            : e.CommitPosition;
        if (position == ulong.MaxValue)
        {
            throw new InvalidDataException($"EventStoreDB sent event {eventId} without its position in $all; Journey needs EventStoreDB 23.10 or later.");
        }
        return new RecordedEvent(
            stream,
            e.StreamRevision,
            position,
            eventId,
            type,
            e.Data.Memory,
            e.CustomMetadata.Memory,
            // "created" counts 100 ns ticks since the Unix epoch, in UTC.
            DateTimeOffset.UnixEpoch.AddTicks(createdTicks));
    }

    public static StreamIdentifier StreamIdentifier(string stream) => new() { StreamName = ByteString.CopyFromUtf8(stream) };

    private static ReadOptions NewOptions(ReadDirection direction) => new()
    {
        ReadDirection = direction == ReadDirection.Forwards ? ProtoReadDirection.Forwards : ProtoReadDirection.Backwards,
        ResolveLinks = false,
        UuidOption = new ReadOptions.Types.UUIDOption { String = EmptyMessage },
    };

    private static ReadOptions.Types.AllOptions AllFrom(ulong? position, ReadDirection direction)
    {
        var all = new ReadOptions.Types.AllOptions();
        if (position is { } p)
        {
            // The commit position stands for both halves: see the remarks on this class.
            all.Position = new ReadOptions.Types.Position { CommitPosition = p, PreparePosition = p };
        }
        else if (direction == ReadDirection.Forwards)
        {
            all.Start = EmptyMessage;
        }
        else
        {
            all.End = EmptyMessage;
        }
        return all;
    }

    private static void SetFilter(ReadOptions options, ReadOptions.Types.FilterOptions? filter)
    {
        if (filter is null)
        {
            options.NoFilter = EmptyMessage;
        }
        else
        {
            options.Filter = filter;
        }
    }
}

/// <summary>The result of an append as the server reported it.</summary>
internal abstract record AppendOutcome
{
    /// <param name="CurrentRevision">The stream's last revision; null when the stream still does not exist.</param>
    /// <param name="Position">The commit position the server reported for the write, when it reported one.</param>
    public sealed record Succeeded(ulong? CurrentRevision, ulong? Position) : AppendOutcome;

    /// <param name="ActualRevision">The stream's last revision; null when it does not exist.</param>
    public sealed record WrongExpectedVersion(ulong? ActualRevision) : AppendOutcome;
}
