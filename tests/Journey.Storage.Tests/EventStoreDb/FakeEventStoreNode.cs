using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Journey.Storage.EventStoreDb.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReadOptions = Journey.Storage.EventStoreDb.Protocol.ReadReq.Types.Options;

namespace Journey.Storage.Tests.EventStoreDb;

/// <summary>
/// A loopback gRPC server that answers EventStoreDB's Streams service from an in-memory log, to test what
/// the client does around the calls: following not-leader answers, skipping unreachable nodes, giving up
/// on refusals, resuming dropped subscriptions. It is NOT EventStoreDB: it copies only the behaviour those
/// tests lean on (reads from a position are inclusive, subscriptions start after it, a follower answers
/// NotFound with the leader in the trailers) and says nothing about how a real server stores or orders.
/// </summary>
internal sealed class FakeEventStoreNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<ServerCallContext, byte> _openSubscriptions = new();

    private FakeEventStoreNode(FakeLog log, WebApplication app, DnsEndPoint endPoint)
    {
        Log = log;
        _app = app;
        EndPoint = endPoint;
    }

    public FakeLog Log { get; }

    public DnsEndPoint EndPoint { get; }

    /// <summary>When set, every call is refused as a follower refuses: NotFound, with this leader in the trailers.</summary>
    public DnsEndPoint? NotLeaderPointingTo { get; set; }

    /// <summary>When set, every call fails with this status and these trailers.</summary>
    public (StatusCode Code, Metadata Trailers)? FailEveryCall { get; set; }

    /// <summary>Every call received, in order.</summary>
    public ConcurrentQueue<ReceivedCall> Calls { get; } = new();

    public IEnumerable<ReadReq> Subscriptions => Calls.Where(c => c.Read?.Options.CountOptionCase == ReadOptions.CountOptionOneofCase.Subscription).Select(c => c.Read!);

    public static async Task<FakeEventStoreNode> StartAsync(FakeLog log)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        FakeEventStoreNode? node = null;
        builder.Services.AddSingleton(_ => node ?? throw new InvalidOperationException("The node is not started yet."));
        var app = builder.Build();
        app.MapGrpcService<FakeStreamsService>();
        await app.StartAsync();
        var address = new Uri(app.Urls.Single());
        node = new FakeEventStoreNode(log, app, new DnsEndPoint("127.0.0.1", address.Port));
        return node;
    }

    /// <summary>Cuts the streams of the subscriptions open now, as a node that dies or a proxy that resets them does.</summary>
    public void CutSubscriptions()
    {
        foreach (var context in _openSubscriptions.Keys)
        {
            context.GetHttpContext().Abort();
        }
    }

    public void SubscriptionOpened(ServerCallContext context) => _openSubscriptions.TryAdd(context, 0);

    public void SubscriptionClosed(ServerCallContext context) => _openSubscriptions.TryRemove(context, out _);

    public void Receive(string method, ServerCallContext context, ReadReq? read = null)
    {
        Calls.Enqueue(new ReceivedCall(method, context.RequestHeaders.ToDictionary(h => h.Key, h => h.Value), read));
        if (NotLeaderPointingTo is { } leader)
        {
            throw new RpcException(new Status(StatusCode.NotFound, "Leader info available"), new Metadata
            {
                { "exception", "not-leader" },
                { "leader-endpoint-host", leader.Host },
                { "leader-endpoint-port", leader.Port.ToString(CultureInfo.InvariantCulture) },
            });
        }
        if (FailEveryCall is { } failure)
        {
            throw new RpcException(new Status(failure.Code, "Refused by the test"), failure.Trailers);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record ReceivedCall(string Method, IReadOnlyDictionary<string, string> Headers, ReadReq? Read);

/// <summary>
/// The Streams service binding, written by hand because Journey compiles client stubs only. ASP.NET Core
/// gRPC finds the handlers as overrides of this type's abstract methods, as it does for generated bases.
/// </summary>
[BindServiceMethod(typeof(FakeStreamsBase), nameof(BindService))]
internal abstract class FakeStreamsBase
{
    private const string ServiceName = "event_store.client.streams.Streams";

    private static readonly Method<ReadReq, ReadResp> ReadMethod = new(
        MethodType.ServerStreaming, ServiceName, "Read", Marshaller(ReadReq.Parser), Marshaller(ReadResp.Parser));

    private static readonly Method<AppendReq, AppendResp> AppendMethod = new(
        MethodType.ClientStreaming, ServiceName, "Append", Marshaller(AppendReq.Parser), Marshaller(AppendResp.Parser));

    public static void BindService(ServiceBinderBase binder, FakeStreamsBase? service)
    {
        binder.AddMethod(ReadMethod, service is null ? null : service.Read);
        binder.AddMethod(AppendMethod, service is null ? null : service.Append);
    }

    public abstract Task Read(ReadReq request, IServerStreamWriter<ReadResp> responses, ServerCallContext context);

    public abstract Task<AppendResp> Append(IAsyncStreamReader<AppendReq> requests, ServerCallContext context);

    private static Marshaller<T> Marshaller<T>(MessageParser<T> parser) where T : IMessage<T> =>
        Marshallers.Create(message => message.ToByteArray(), parser.ParseFrom);
}

/// <summary>The fake node's answers.</summary>
internal sealed class FakeStreamsService(FakeEventStoreNode node) : FakeStreamsBase
{
    public override async Task<AppendResp> Append(IAsyncStreamReader<AppendReq> requests, ServerCallContext context)
    {
        node.Receive("Append", context);
        AppendReq.Types.Options? options = null;
        var proposed = new List<AppendReq.Types.ProposedMessage>();
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            if (request.ContentCase == AppendReq.ContentOneofCase.Options)
            {
                options = request.Options;
            }
            else if (!request.ProposedMessage.Metadata.ContainsKey("type") || !request.ProposedMessage.Metadata.ContainsKey("content-type"))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "Required Metadata Property is missing"));
            }
            else
            {
                proposed.Add(request.ProposedMessage);
            }
        }
        if (options is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "No options"));
        }
        return node.Log.Append(options, proposed);
    }

    public override async Task Read(ReadReq request, IServerStreamWriter<ReadResp> responses, ServerCallContext context)
    {
        node.Receive("Read", context, request);
        var options = request.Options;
        if (options.StreamOptionCase == ReadOptions.StreamOptionOneofCase.Stream)
        {
            var events = node.Log.ReadStream(options.Stream, options.ReadDirection == ReadOptions.Types.ReadDirection.Forwards, options.Count);
            if (events is null)
            {
                await responses.WriteAsync(new ReadResp { StreamNotFound = new ReadResp.Types.StreamNotFound { StreamIdentifier = options.Stream.StreamIdentifier } });
                return;
            }
            foreach (var e in events)
            {
                await responses.WriteAsync(new ReadResp { Event = e.ToReadEvent() });
            }
            return;
        }
        if (options.CountOptionCase == ReadOptions.CountOptionOneofCase.Count)
        {
            foreach (var e in node.Log.ReadAll(options.All, options.ReadDirection == ReadOptions.Types.ReadDirection.Forwards, options.Count, options.Filter))
            {
                await responses.WriteAsync(new ReadResp { Event = e.ToReadEvent() });
            }
            return;
        }
        await SubscribeAsync(options, responses, context);
    }

    private async Task SubscribeAsync(ReadOptions options, IServerStreamWriter<ReadResp> responses, ServerCallContext context)
    {
        node.SubscriptionOpened(context);
        await responses.WriteAsync(new ReadResp { Confirmation = new ReadResp.Types.SubscriptionConfirmation { SubscriptionId = Guid.NewGuid().ToString() } });
        ulong? cursor = options.All.AllOptionCase == ReadOptions.Types.AllOptions.AllOptionOneofCase.Position ? options.All.Position.CommitPosition : null;
        var caughtUpSent = false;
        try
        {
            while (true)
            {
                var changed = node.Log.Changed;
                var (matching, lastConsidered) = node.Log.After(cursor, options.Filter);
                foreach (var e in matching)
                {
                    await responses.WriteAsync(new ReadResp { Event = e.ToReadEvent() });
                    cursor = e.Position;
                }
                if (lastConsidered is { } considered && (cursor is null || considered > cursor))
                {
                    await responses.WriteAsync(new ReadResp { Checkpoint = new ReadResp.Types.Checkpoint { CommitPosition = considered, PreparePosition = considered } });
                    cursor = considered;
                }
                if (!caughtUpSent)
                {
                    // As servers since 23.10 may do when they switch to live events.
                    await responses.WriteAsync(new ReadResp { CaughtUp = new ReadResp.Types.CaughtUp() });
                    caughtUpSent = true;
                }
                await changed.WaitAsync(context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away, or the test cut the stream.
        }
        finally
        {
            node.SubscriptionClosed(context);
        }
    }

}

/// <summary>The in-memory log behind one or more fake nodes.</summary>
internal sealed class FakeLog
{
    private readonly Lock _gate = new();
    private readonly List<FakeEvent> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong _nextPosition = 4096;

    /// <summary>Completes at the next append.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    public IReadOnlyList<FakeEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Writes events directly, as another client would (system streams included).</summary>
    public IReadOnlyList<FakeEvent> Write(string stream, params string[] types)
    {
        var options = new AppendReq.Types.Options { StreamIdentifier = new StreamIdentifier { StreamName = ByteString.CopyFromUtf8(stream) }, Any = new Empty() };
        var messages = new List<AppendReq.Types.ProposedMessage>();
        foreach (var type in types)
        {
            var message = new AppendReq.Types.ProposedMessage { Id = new UUID { String = Guid.NewGuid().ToString() }, Data = ByteString.CopyFromUtf8("{}") };
            message.Metadata.Add("type", type);
            messages.Add(message);
        }
        Append(options, messages);
        return [.. Events.Where(e => e.Stream == stream).TakeLast(types.Length)];
    }

    public AppendResp Append(AppendReq.Types.Options options, IReadOnlyList<AppendReq.Types.ProposedMessage> proposed)
    {
        var stream = options.StreamIdentifier.StreamName.ToStringUtf8();
        TaskCompletionSource changed;
        AppendResp response;
        lock (_gate)
        {
            var current = _events.LastOrDefault(e => e.Stream == stream)?.Revision;
            var accepted = options.ExpectedStreamRevisionCase switch
            {
                AppendReq.Types.Options.ExpectedStreamRevisionOneofCase.Any => true,
                AppendReq.Types.Options.ExpectedStreamRevisionOneofCase.NoStream => current is null,
                AppendReq.Types.Options.ExpectedStreamRevisionOneofCase.StreamExists => current is not null,
                _ => current == options.Revision,
            };
            if (!accepted)
            {
                var wrong = new AppendResp.Types.WrongExpectedVersion();
                if (current is { } c)
                {
                    wrong.CurrentRevision = c;
                }
                else
                {
                    wrong.CurrentNoStream = new Empty();
                }
                return new AppendResp { WrongExpectedVersion = wrong };
            }
            var first = _nextPosition;
            var revision = current is { } r ? r + 1 : 0;
            foreach (var message in proposed)
            {
                _events.Add(new FakeEvent(stream, revision++, _nextPosition, Guid.Parse(message.Id.String), message.Metadata["type"], message.Data, message.CustomMetadata, DateTimeOffset.UtcNow));
                // Positions are byte offsets in a real log: increasing, not contiguous.
                _nextPosition += 157;
            }
            response = new AppendResp
            {
                Success = new AppendResp.Types.Success
                {
                    CurrentRevision = revision - 1,
                    Position = new AppendResp.Types.Position { CommitPosition = _nextPosition - 157, PreparePosition = first },
                },
            };
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.SetResult();
        return response;
    }

    public List<FakeEvent>? ReadStream(ReadOptions.Types.StreamOptions options, bool forwards, ulong count)
    {
        var stream = options.StreamIdentifier.StreamName.ToStringUtf8();
        var events = Events.Where(e => e.Stream == stream).ToList();
        if (events.Count == 0)
        {
            return null;
        }
        ulong from = options.RevisionOptionCase switch
        {
            ReadOptions.Types.StreamOptions.RevisionOptionOneofCase.Revision => options.Revision,
            ReadOptions.Types.StreamOptions.RevisionOptionOneofCase.Start => 0UL,
            _ => events[^1].Revision,
        };
        var selected = forwards ? events.Where(e => e.Revision >= from) : events.Where(e => e.Revision <= from).Reverse();
        return [.. selected.Take((int)Math.Min(count, int.MaxValue))];
    }

    public List<FakeEvent> ReadAll(ReadOptions.Types.AllOptions options, bool forwards, ulong count, ReadOptions.Types.FilterOptions? filter)
    {
        var events = Events;
        IEnumerable<FakeEvent> selected = options.AllOptionCase switch
        {
            // As EventStoreDB reads: forwards from a position includes it.
            ReadOptions.Types.AllOptions.AllOptionOneofCase.Position when forwards => events.Where(e => e.Position >= options.Position.CommitPosition),
            ReadOptions.Types.AllOptions.AllOptionOneofCase.Position => events.Where(e => e.Position < options.Position.CommitPosition).Reverse(),
            _ when forwards => events,
            _ => events.Reverse(),
        };
        return [.. selected.Where(e => Matches(filter, e.Stream)).Take((int)Math.Min(count, int.MaxValue))];
    }

    /// <summary>The matching events after <paramref name="position"/> and the position of the last event considered.</summary>
    public (List<FakeEvent> Matching, ulong? LastConsidered) After(ulong? position, ReadOptions.Types.FilterOptions? filter)
    {
        var considered = Events.Where(e => position is null || e.Position > position).ToList();
        return ([.. considered.Where(e => Matches(filter, e.Stream))], considered.Count > 0 ? considered[^1].Position : null);
    }

    private static bool Matches(ReadOptions.Types.FilterOptions? filter, string stream)
    {
        if (filter?.StreamIdentifier is not { } expression)
        {
            return true;
        }
        return expression.Regex.Length > 0
            ? Regex.IsMatch(stream, expression.Regex, RegexOptions.None, TimeSpan.FromSeconds(1))
            : expression.Prefix.Any(p => stream.StartsWith(p, StringComparison.Ordinal));
    }
}

internal sealed record FakeEvent(string Stream, ulong Revision, ulong Position, Guid Id, string Type, ByteString Data, ByteString Metadata, DateTimeOffset Created)
{
    public ReadResp.Types.ReadEvent ToReadEvent()
    {
        var recorded = new ReadResp.Types.ReadEvent.Types.RecordedEvent
        {
            Id = new UUID { String = Id.ToString() },
            StreamIdentifier = new StreamIdentifier { StreamName = ByteString.CopyFromUtf8(Stream) },
            StreamRevision = Revision,
            PreparePosition = Position,
            CommitPosition = Position,
            CustomMetadata = Metadata,
            Data = Data,
        };
        recorded.Metadata.Add("type", Type);
        recorded.Metadata.Add("created", (Created - DateTimeOffset.UnixEpoch).Ticks.ToString(CultureInfo.InvariantCulture));
        recorded.Metadata.Add("content-type", "application/json");
        return new ReadResp.Types.ReadEvent { Event = recorded, CommitPosition = Position };
    }
}
