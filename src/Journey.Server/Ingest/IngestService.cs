using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Threading.Channels;
using Grpc.Core;
using Journey.Domain.Events;
using Journey.Domain.Privacy;
using Journey.Server.Hosting;
using Journey.Server.Journeys;
using Journey.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Ingest;

/// <summary>
/// gRPC <c>journey.v1.Ingest</c>: validate and pseudonymise at the door, hand each journey's events to
/// its grain, acknowledge only what the store has made durable. Agencies only, each only as itself.
/// </summary>
[Authorize(Policy = JourneyRoles.Agency)]
public sealed partial class IngestService(
    EventValidator validator,
    Pseudonymiser pseudonymiser,
    IGrainFactory grains,
    AgencyRateLimiter rateLimiter,
    JourneyCallGate gate,
    IOptions<JourneyOptions> options,
    TimeProvider time,
    ILogger<IngestService> logger) : Contract.Ingest.IngestBase
{
    // Batches of one stream are processed this many at a time; responses still leave in request order.
    // Two let a stream's next batch be validated while the last one commits; more only deepen the thread
    // pool's queue, where a process owner's query then waits behind thousands of grain calls (with four,
    // lead-time queries during the 1M-event bench took 0.5 s at the median; with one, 20 ms).
    private const int BatchesInFlight = 2;

    private readonly LimitsOptions limits = options.Value.Limits;
    private readonly bool readNode = options.Value.Role == ServerRole.Reader;

    public override async Task<Contract.AppendResponse> Append(Contract.AppendRequest request, ServerCallContext context)
    {
        RefuseOnReadNode();
        if (request.Event is null)
        {
            throw RpcErrors.BadRequest("The request has no event.", [new FieldViolation("event", "is required")]);
        }
        var caller = CallerIdentity.From(context.GetHttpContext().User);
        if (RateLimited(caller, 1) is { } limited)
        {
            throw RpcErrors.Status(Google.Rpc.Code.ResourceExhausted, limited.Message);
        }
        var results = await RecordAsync([request.Event], caller, CorrelationId(context), context.CancellationToken);
        var result = results[0];
        if (result.Rejected is { } rejected)
        {
            throw RpcErrors.WithViolations(
                (Google.Rpc.Code)rejected.Code,
                rejected.Message,
                rejected.Violations.Select(v => new FieldViolation(PrefixField("event", v.Field), v.Description)));
        }
        return new Contract.AppendResponse { Result = result };
    }

    public override async Task AppendStream(
        IAsyncStreamReader<Contract.AppendBatchRequest> requestStream,
        IServerStreamWriter<Contract.AppendBatchResponse> responseStream,
        ServerCallContext context)
    {
        RefuseOnReadNode();
        var correlationId = CorrelationId(context);
        var caller = CallerIdentity.From(context.GetHttpContext().User);
        var cancellation = context.CancellationToken;
        var inFlight = Channel.CreateBounded<Task<Contract.AppendBatchResponse>>(BatchesInFlight);

        var writer = Task.Run(async () =>
        {
            await foreach (var pending in inFlight.Reader.ReadAllAsync(cancellation))
            {
                await responseStream.WriteAsync(await pending, cancellation);
            }
        }, cancellation);

        try
        {
            await foreach (var batch in requestStream.ReadAllAsync(cancellation))
            {
                await inFlight.Writer.WriteAsync(ProcessBatchAsync(batch, caller, correlationId, cancellation), cancellation);
            }
        }
        finally
        {
            inFlight.Writer.TryComplete();
        }
        await writer;
    }

    private async Task<Contract.AppendBatchResponse> ProcessBatchAsync(Contract.AppendBatchRequest batch, CallerIdentity caller, string correlationId, CancellationToken cancellation)
    {
        var response = new Contract.AppendBatchResponse { BatchId = batch.BatchId };
        var refused = batch.Events.Count > limits.MaxBatchEvents
            ? new Contract.Rejected
            {
                Code = (int)StatusCode.ResourceExhausted,
                Message = $"The batch has {batch.Events.Count} events; at most {limits.MaxBatchEvents} are allowed. Split it.",
            }
            : RateLimited(caller, batch.Events.Count);
        if (refused is not null)
        {
            for (var i = 0; i < batch.Events.Count; i++)
            {
                response.Results.Add(new Contract.EventResult { Index = (uint)i, EventId = Echo(batch.Events[i].EventId), Rejected = refused });
            }
            return response;
        }
        var events = batch.Events;
        // The batch's messages are not needed once validated: let them die young instead of riding along
        // while the journeys' grains commit (see RecordAsync).
        batch = null!;
        response.Results.AddRange(await RecordAsync(events, caller, correlationId, cancellation));
        return response;
    }

    /// <summary>Null when the caller's agency may send this many events now; else the refusal for each of them.</summary>
    private Contract.Rejected? RateLimited(CallerIdentity caller, int events)
    {
        if (rateLimiter.TryAcquire(caller.RateKey, events, out var retryAfter))
        {
            return null;
        }
        var rate = rateLimiter.EventsPerSecond.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        return new Contract.Rejected
        {
            Code = (int)StatusCode.ResourceExhausted,
            Message = retryAfter == TimeSpan.MaxValue
                ? $"{events} events at once is more than the agency's rate limit ({rate} events/s) ever allows; send smaller batches."
                : $"The agency is over its rate limit of {rate} events/s; retry the same events in {Math.Ceiling(retryAfter.TotalMilliseconds):0} ms.",
        };
    }

    /// <summary>Validates, groups by journey, records through the journeys' grains; one result per event.</summary>
    private async Task<Contract.EventResult[]> RecordAsync(IList<Contract.JourneyEvent> events, CallerIdentity caller, string correlationId, CancellationToken cancellation)
    {
        var results = new Contract.EventResult[events.Count];
        var byJourney = ValidateAndGroup(events, results, caller, correlationId);
        // From here on only the serialised events and the results are needed. The request's messages (strings,
        // attribute maps: most of an event's memory) would otherwise stay reachable from this method's state
        // until the slowest journey of the batch has committed, half a second under bulk ingest, and every
        // garbage collection meanwhile would copy them into an older generation.
        events = null!;

        var calls = new List<(List<(int Index, PendingEvent Event)> Events, Task<RecordOutcome[]> Outcomes)>(byJourney.Count);
        foreach (var (stream, list) in byJourney)
        {
            var grain = grains.Reference<IJourneyGrain>(stream);
            var pending = new PendingEvent[list.Count];
            for (var j = 0; j < pending.Length; j++)
            {
                pending[j] = list[j].Event;
            }
            calls.Add((list, await gate.StartAsync(() => grain.RecordAsync(pending), cancellation)));
        }

        foreach (var (list, outcomesTask) in calls)
        {
            RecordOutcome[] outcomes;
            try
            {
                outcomes = await outcomesTask.WaitAsync(cancellation);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not acknowledged, so nothing is lost: the agency retries with the same ids.
                LogRecordFailed(ex, list.Count);
                foreach (var (index, _) in list)
                {
                    results[index].Rejected = Rejected(StatusCode.Unavailable, "The event could not be stored now; retry with the same event id.", []);
                }
                continue;
            }
            for (var j = 0; j < list.Count; j++)
            {
                var result = results[list[j].Index];
                var outcome = outcomes[j];
                switch (outcome.Status)
                {
                    case RecordStatus.Accepted:
                        result.Accepted = new Contract.Accepted { Position = outcome.Position, StreamRevision = outcome.StreamRevision };
                        break;
                    case RecordStatus.Duplicate:
                        result.Duplicate = new Contract.Duplicate { Position = outcome.Position, StreamRevision = outcome.StreamRevision };
                        break;
                    default:
                        result.Rejected = Rejected(
                            StatusCode.AlreadyExists,
                            "The event id is already stored with different content.",
                            [new FieldViolation("event_id", "was used before for a different event; a new event needs a new id")]);
                        break;
                }
            }
        }
        return results;
    }

    /// <summary>
    /// Fills the result of each event refused at the door, and groups the valid ones by journey, serialised.
    /// Synchronous, so that nothing of the request (nor the identifier its batch's pseudonyms remember) is kept
    /// in the state of the call that waits for the commits.
    /// </summary>
    private Dictionary<string, List<(int Index, PendingEvent Event)>> ValidateAndGroup(
        IList<Contract.JourneyEvent> events, Contract.EventResult[] results, CallerIdentity caller, string correlationId)
    {
        var byJourney = new Dictionary<string, List<(int Index, PendingEvent Event)>>(StringComparer.Ordinal);
        var recordedAt = time.GetUtcNow();
        var subjects = validator.BeginBatch();
        // A journey's events come together in a backfill: its stream's name is made and looked up once for them.
        (JourneyId Journey, List<(int Index, PendingEvent Event)>? Events) last = default;

        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            results[i] = new Contract.EventResult { Index = (uint)i, EventId = Echo(e.EventId) };
            // Checked before anything else: another agency's event is not this caller's to have validated.
            if (!string.IsNullOrEmpty(e.Agency) && !caller.MayEmitAs(e.Agency))
            {
                results[i].Rejected = Rejected(StatusCode.PermissionDenied, NotAsThisAgency(caller), [new FieldViolation("agency", "must be the caller's own agency")]);
                continue;
            }
            if (!validator.TryValidate(e, out var valid, out var violations, subjects))
            {
                results[i].Rejected = Rejected(StatusCode.InvalidArgument, "The event is invalid.", violations);
                continue;
            }
            if (last.Events is null || last.Journey != valid!.JourneyId)
            {
                var stream = valid!.JourneyId.StreamName;
                if (!byJourney.TryGetValue(stream, out var list))
                {
                    byJourney[stream] = list = [];
                }
                last = (valid.JourneyId, list);
            }
            last.Events.Add((i, new PendingEvent(valid.EventId, JourneyEventJson.Serialize(valid), Metadata(valid.EventId, correlationId, recordedAt))));
        }
        return byJourney;
    }

    private byte[] Metadata(Guid eventId, string correlationId, DateTimeOffset recordedAt)
    {
        // Per event on the hot path: the thread's writer and buffer, only the result is allocated.
        var w = JourneyEventJson.RentWriter(out var buffer);
        w.WriteStartObject();
        w.WriteString("$correlationId", correlationId);
        w.WriteString("$causationId", eventId);
        w.WriteString("recordedAt", recordedAt);
        w.WriteString("pseudonymKeyId", pseudonymiser.KeyId);
        w.WriteEndObject();
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static Contract.Rejected Rejected(StatusCode code, string message, IEnumerable<FieldViolation> violations)
    {
        var rejected = new Contract.Rejected { Code = (int)code, Message = message };
        foreach (var v in violations)
        {
            rejected.Violations.Add(new Contract.FieldViolation { Field = v.Field, Description = v.Description });
        }
        return rejected;
    }

    private static string PrefixField(string prefix, string field) => $"{prefix}.{field}";

    /// <summary>A read node stores nothing: the agency is told where its events belong, before it sends any.</summary>
    private void RefuseOnReadNode()
    {
        if (readNode)
        {
            throw RpcErrors.Status(
                Google.Rpc.Code.FailedPrecondition,
                "This server is a read node (Journey:Role=Reader): it serves queries, replay and exports, and stores no events. Send them to a server with Journey:Role=All on the same log.");
        }
    }

    // The id comes back so the caller can match results; one that is no UUID may be anything, even a person.
    private static string Echo(string eventId) =>
        Guid.TryParseExact(eventId, "D", out _) ? eventId : EventValidator.Printable(eventId);

    private static string NotAsThisAgency(CallerIdentity caller) => caller.Agencies.Count == 0
        ? "The caller's credentials speak for no agency in the catalog, so it may emit no events."
        : $"The caller may emit events only as {string.Join(" or ", caller.Agencies.Select(a => $"'{a}'"))}.";

    // A caller-supplied correlation id ties a backfill's events together in the store's metadata. Read from
    // the request's headers directly: ServerCallContext.RequestHeaders copies them all into a new Metadata.
    private static string CorrelationId(ServerCallContext context)
    {
        string? supplied = context.GetHttpContext().Request.Headers["x-correlation-id"];
        return supplied is { Length: > 0 and <= 64 } && supplied.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? supplied
            : NewCorrelationId();
    }

    // Unique, not secret: this process's random prefix and a count, laid out as a UUID (version 8, the
    // layout RFC 9562 leaves to the application). Guid.NewGuid read the kernel's random source per call.
    private static readonly ulong CorrelationPrefix = BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
    private static long correlationCount;

    internal static string NewCorrelationId()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, CorrelationPrefix);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], (ulong)Interlocked.Increment(ref correlationCount));
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording {Count} events failed; they were not acknowledged")]
    private partial void LogRecordFailed(Exception exception, int count);
}
