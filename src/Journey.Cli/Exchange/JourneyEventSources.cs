using System.Globalization;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Journey.Domain.Events;
using Journey.Domain.Exchange;
using Journey.Storage;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Exchange;

/// <summary>Where an export reads the log from: the selected journey events in global order.</summary>
public interface IJourneyEventSource
{
    IAsyncEnumerable<RecordedJourneyEvent> ReadAsync(EventSelection selection, CancellationToken cancellationToken = default);
}

/// <summary>Reads a store directly, e.g. the server's <c>journey.db</c> (also while the server runs).</summary>
public sealed class StoreEventSource(IEventStore store) : IJourneyEventSource
{
    public async IAsyncEnumerable<RecordedJourneyEvent> ReadAsync(EventSelection selection, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var prefixes = selection.JourneyTypes.Count == 0
            ? [JourneyId.StreamCategory + "-"]
            : selection.JourneyTypes.Order(StringComparer.Ordinal).Select(t => $"{JourneyId.StreamCategory}-{t}-").ToArray();
        await foreach (var recorded in store.ReadAllAsync(ReadDirection.Forwards, selection.AfterPosition, filter: new StreamFilter(prefixes), cancellationToken: cancellationToken))
        {
            if (selection.IsPastEnd(recorded.Position))
            {
                yield break;
            }
            if (recorded.Type != JourneyEventJson.EventType)
            {
                continue;
            }
            var e = JourneyEventJson.Deserialize(recorded.Data.Span);
            var recordedAt = StoredEventMetadata.Parse(recorded.Metadata.Span).RecordedAt ?? recorded.Created;
            var candidate = new RecordedJourneyEvent(recorded.Position, recordedAt, e);
            if (selection.Matches(candidate))
            {
                yield return candidate;
            }
        }
    }
}

/// <summary>
/// Reads a server's <c>journey.v1.Replay</c>. A call cut by the network is resumed from its last
/// checkpoint, a few times, so an export of a large range survives a brief outage without a gap or a repeat.
/// </summary>
public sealed class ServerEventSource(CallInvoker invoker, int maxResumes = 5) : IJourneyEventSource
{
    public ServerEventSource(ChannelBase channel, int maxResumes = 5)
        : this(channel.CreateCallInvoker(), maxResumes)
    {
    }

    /// <summary>How many times the last read resumed after a cut.</summary>
    public int Resumes { get; private set; }

    public async IAsyncEnumerable<RecordedJourneyEvent> ReadAsync(EventSelection selection, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var client = new Contract.Replay.ReplayClient(invoker);
        var request = Request(selection);
        Resumes = 0;
        while (true)
        {
            using var call = client.Read(request, cancellationToken: cancellationToken);
            var stream = call.ResponseStream;
            while (true)
            {
                bool more;
                try
                {
                    more = await stream.MoveNext(cancellationToken);
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal && Resumes < maxResumes && !cancellationToken.IsCancellationRequested)
                {
                    Resumes++;
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * Resumes), cancellationToken);
                    break;
                }
                if (!more)
                {
                    yield break;
                }
                var response = stream.Current;
                foreach (var replayed in response.Events)
                {
                    yield return ToRecorded(replayed);
                }
                if (response.HasCheckpoint)
                {
                    // The resume token: everything up to here is delivered or filtered out.
                    request.AfterPosition = response.Checkpoint;
                }
            }
        }
    }

    /// <summary>The replay request for a selection.</summary>
    public static Contract.ReplayRequest Request(EventSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var request = new Contract.ReplayRequest();
        if (selection.AfterPosition is { } after)
        {
            request.AfterPosition = after;
        }
        if (selection.ToPosition is { } to)
        {
            request.ToPosition = to;
        }
        request.JourneyTypes.AddRange(selection.JourneyTypes.Order(StringComparer.Ordinal));
        request.Agencies.AddRange(selection.Agencies.Order(StringComparer.Ordinal));
        request.Activities.AddRange(selection.Activities.Order(StringComparer.Ordinal));
        request.Occurred = Window(selection.Occurred);
        request.Recorded = Window(selection.Recorded);
        return request;
    }

    /// <summary>The domain's form of a replayed event.</summary>
    public static RecordedJourneyEvent ToRecorded(Contract.ReplayedEvent replayed)
    {
        ArgumentNullException.ThrowIfNull(replayed);
        var related = replayed.Related.Count == 0
            ? (IReadOnlyList<RelatedPerson>)[]
            : replayed.Related.Select(p => new RelatedPerson(p.Role, p.Pseudonym)).ToArray();
        var attributes = replayed.Attributes.Count == 0
            ? JourneyEventJson.EmptyAttributes
            : new Dictionary<string, string>(replayed.Attributes, StringComparer.Ordinal);
        var e = new JourneyEvent(
            Guid.Parse(replayed.EventId),
            replayed.JourneyType,
            replayed.Agency,
            replayed.Activity,
            replayed.Subject,
            related,
            DateTimeOffset.Parse(replayed.OccurredAt, CultureInfo.InvariantCulture),
            replayed.Initiator switch
            {
                Contract.Initiator.Citizen => Initiator.Citizen,
                Contract.Initiator.Agency => Initiator.Agency,
                _ => Initiator.Automatic,
            },
            replayed.Lifecycle == Contract.Lifecycle.Start ? Lifecycle.Start : Lifecycle.Complete,
            replayed.CaseRef.Length == 0 ? null : replayed.CaseRef,
            attributes);
        return new RecordedJourneyEvent(replayed.Position, replayed.RecordedAt.ToDateTimeOffset(), e);
    }

    private static Contract.TimeWindow? Window(TimeWindow window)
    {
        if (!window.IsBounded)
        {
            return null;
        }
        var result = new Contract.TimeWindow();
        if (window.From is { } from)
        {
            result.From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(from);
        }
        if (window.To is { } to)
        {
            result.To = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(to);
        }
        return result;
    }
}
