using System.IO.Hashing;
using Journey.Domain.Events;
using Journey.Storage;

namespace Journey.Server.Journeys;

/// <summary>
/// One journey (all events of one journey type for one pseudonymised subject). Its state is derived
/// from the journey's stream in the event store; the grain holds only what it needs to keep appends
/// idempotent and ordered.
/// </summary>
[Alias("journey.IJourneyGrain")]
public interface IJourneyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records events of this journey. Returns one outcome per event, in order, once the accepted ones
    /// are durable.
    /// </summary>
    [Alias("Record")]
    Task<RecordOutcome[]> RecordAsync(PendingEvent[] events);
}

/// <summary>An event on its way into a journey's stream: validated, pseudonymised and serialised.</summary>
[GenerateSerializer, Immutable, Alias("journey.PendingEvent.v1")]
public sealed record PendingEvent(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] byte[] Data,
    [property: Id(2)] byte[] Metadata);

[GenerateSerializer, Alias("journey.RecordStatus.v1")]
public enum RecordStatus
{
    /// <summary>Stored for the first time.</summary>
    Accepted,
    /// <summary>Stored before with the same content; the original position is returned.</summary>
    Duplicate,
    /// <summary>The id is already used for different content; nothing stored.</summary>
    IdConflict,
}

[GenerateSerializer, Immutable, Alias("journey.RecordOutcome.v1")]
public readonly record struct RecordOutcome(
    [property: Id(0)] RecordStatus Status,
    [property: Id(1)] ulong Position,
    [property: Id(2)] ulong StreamRevision);

// A journey is written in bursts (an agency's backfill, or one step of a live journey days apart) and
// idle in between; an idle grain is only memory, and its state comes back from the log in one read.
[CollectionAgeLimit(Minutes = 0.5)]
internal sealed partial class JourneyGrain(IEventStore store, ILogger<JourneyGrain> logger) : Grain, IJourneyGrain
{
    // Concurrency conflicts mean another writer (another activation, another process) appended: reload
    // and try again. More than a few in a row is not contention but a fault worth surfacing.
    private const int MaxAttempts = 4;

    // What the journey has stored: event id → (a 64-bit content digest, revision, position).
    private readonly StoredEvents stored = new();
    private ulong? lastRevision;

    // The key is kept as UTF-8 in the grain id; decoded once, not at every append.
    private string StreamName => streamName ??= this.GetPrimaryKeyString();
    private string? streamName;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<RecordOutcome[]> RecordAsync(PendingEvent[] events)
    {
        for (var attempt = 1; ; attempt++)
        {
            var outcomes = new RecordOutcome[events.Length];
            var toAppend = new List<(int Index, PendingEvent Event, ulong Digest)>(events.Length);
            // Within one call the same id may come twice; the later one resolves against the earlier. A call
            // carries one journey's events of a batch, about ten: looked for among the earlier ones, unless many.
            var laterCopies = new List<(int Index, int FirstIndex, ulong Digest)>();
            Dictionary<Guid, int>? firstInCall = events.Length > ScanLimit ? new(events.Length) : null;

            for (var i = 0; i < events.Length; i++)
            {
                var e = events[i];
                var digest = Digest(e.Data);
                if (stored.TryGetValue(e.EventId, out var known))
                {
                    outcomes[i] = Resolve(known, digest);
                }
                else if (FirstInCall(events, i, firstInCall) is var first and >= 0)
                {
                    laterCopies.Add((i, first, digest));
                }
                else
                {
                    toAppend.Add((i, e, digest));
                }
            }

            if (toAppend.Count > 0)
            {
                try
                {
                    var data = new EventData[toAppend.Count];
                    for (var i = 0; i < data.Length; i++)
                    {
                        var e = toAppend[i].Event;
                        data[i] = new EventData(e.EventId, JourneyEventJson.EventType, e.Data, e.Metadata);
                    }
                    var result = await store.AppendAsync(StreamName, ExpectedRevision.After(lastRevision), data);
                    var firstRevision = result.NextExpectedRevision - (ulong)(data.Length - 1);
                    // Sized once for the call: a new journey's first events would grow it three times over.
                    stored.Reserve(toAppend.Count);
                    for (var i = 0; i < toAppend.Count; i++)
                    {
                        var entry = new StoredEvent(toAppend[i].Digest, firstRevision + (ulong)i, result.Positions[i]);
                        stored.Add(toAppend[i].Event.EventId, entry);
                        outcomes[toAppend[i].Index] = new RecordOutcome(RecordStatus.Accepted, entry.Position, entry.Revision);
                    }
                    lastRevision = result.NextExpectedRevision;
                }
                catch (WrongExpectedRevisionException) when (attempt < MaxAttempts)
                {
                    LogConcurrencyConflict(StreamName, attempt);
                    await LoadAsync(CancellationToken.None);
                    continue;
                }
                catch (DuplicateEventIdException duplicate) when (attempt < MaxAttempts && duplicate.ExistingStream != StreamName)
                {
                    // The id is taken by another journey. The same content would have led to the same
                    // journey, so this is an id reused for a different event: refuse that one only.
                    var index = Array.FindIndex(events, e => e.EventId == duplicate.EventId);
                    events = RemoveAt(events, index);
                    var rest = await RecordAsync(events);
                    return InsertAt(rest, index, new RecordOutcome(RecordStatus.IdConflict, duplicate.ExistingPosition, 0));
                }
            }

            foreach (var (index, firstIndex, digest) in laterCopies)
            {
                var original = outcomes[firstIndex];
                outcomes[index] = original.Status == RecordStatus.IdConflict
                    ? original
                    : Resolve(new StoredEvent(Digest(events[firstIndex].Data), original.StreamRevision, original.Position), digest);
            }
            return outcomes;
        }
    }

    private const int ScanLimit = 16;

    /// <summary>The index of the first of <paramref name="events"/> before <paramref name="index"/> with its id, or -1.</summary>
    private static int FirstInCall(PendingEvent[] events, int index, Dictionary<Guid, int>? firstInCall)
    {
        var id = events[index].EventId;
        if (firstInCall is not null)
        {
            return firstInCall.TryAdd(id, index) ? -1 : firstInCall[id];
        }
        for (var j = 0; j < index; j++)
        {
            if (events[j].EventId == id)
            {
                return j;
            }
        }
        return -1;
    }

    private static RecordOutcome Resolve(StoredEvent known, ulong digest) =>
        known.Digest == digest
            ? new RecordOutcome(RecordStatus.Duplicate, known.Position, known.Revision)
            : new RecordOutcome(RecordStatus.IdConflict, known.Position, known.Revision);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        stored.Clear();
        lastRevision = null;
        await foreach (var e in store.ReadStreamAsync(StreamName, ReadDirection.Forwards, cancellationToken: cancellationToken))
        {
            stored.Add(e.EventId, new StoredEvent(Digest(e.Data.Span), e.StreamRevision, e.Position));
            lastRevision = e.StreamRevision;
        }
        // A woken journey mostly takes a step or two and goes idle again: room for those, no more.
        stored.Trim(spare: 2);
    }

    // 64 bits tell a true re-send from a reused id. Digests are made from the stored bytes at every
    // activation and compared only within this process, never stored: a fast non-cryptographic hash does,
    // seeded at random per process so that which contents collide cannot be worked out ahead. (SHA-256 here,
    // with OpenSSL's per-call overhead, was most of the 5 % of the server's CPU OpenSSL took while streaming.)
    private static ulong Digest(ReadOnlySpan<byte> data) => XxHash3.HashToUInt64(data, DigestSeed);

    private static readonly long DigestSeed = Random.Shared.NextInt64();

    private static PendingEvent[] RemoveAt(PendingEvent[] events, int index)
    {
        var rest = new PendingEvent[events.Length - 1];
        Array.Copy(events, 0, rest, 0, index);
        Array.Copy(events, index + 1, rest, index, events.Length - index - 1);
        return rest;
    }

    private static RecordOutcome[] InsertAt(RecordOutcome[] outcomes, int index, RecordOutcome outcome)
    {
        var all = new RecordOutcome[outcomes.Length + 1];
        Array.Copy(outcomes, 0, all, 0, index);
        all[index] = outcome;
        Array.Copy(outcomes, index, all, index + 1, outcomes.Length - index);
        return all;
    }

    internal readonly record struct StoredEvent(ulong Digest, ulong Revision, ulong Position);

    /// <summary>
    /// A journey's stored events as the grain needs them, found by id, in two arrays sized to the journey. A burst wakes
    /// journeys by the thousand and the collector copies each activation it finds alive: for a journey of ten events a
    /// dictionary (grown to 17 entries of 48 bytes, with its buckets) held ~1 KB, these ~0.5 KB. Searched by a scan of the
    /// ids while the journey is short (a journey has tens of steps), through an index built once it grows long. Each id is
    /// added once: the store holds an id once, and the grain appends only ids it does not know.
    /// </summary>
    internal sealed class StoredEvents
    {
        // Past this many events a journey's ids are looked up through an index rather than scanned.
        private const int IndexedFrom = 32;

        private Guid[] ids = [];
        private StoredEvent[] events = [];
        private Dictionary<Guid, int>? index;

        public int Count { get; private set; }

        public bool TryGetValue(Guid id, out StoredEvent stored)
        {
            var at = IndexOf(id);
            stored = at < 0 ? default : events[at];
            return at >= 0;
        }

        /// <summary>Makes room for <paramref name="more"/> events without growing as they are added.</summary>
        public void Reserve(int more)
        {
            if (Count + more > ids.Length)
            {
                Resize(Count + more);
            }
        }

        public void Add(Guid id, StoredEvent stored)
        {
            if (Count == ids.Length)
            {
                Resize(Math.Max(8, Count * 2));
            }
            ids[Count] = id;
            events[Count] = stored;
            index?.Add(id, Count);
            Count++;
            if (index is null && Count > IndexedFrom)
            {
                index = new Dictionary<Guid, int>(Count * 2);
                for (var i = 0; i < Count; i++)
                {
                    index.Add(ids[i], i);
                }
            }
        }

        /// <summary>Lets go of the room beyond <paramref name="spare"/> more events.</summary>
        public void Trim(int spare)
        {
            if (ids.Length > Count + spare)
            {
                Resize(Count + spare);
            }
        }

        public void Clear()
        {
            (ids, events, index, Count) = ([], [], null, 0);
        }

        private int IndexOf(Guid id)
        {
            if (index is not null)
            {
                return index.TryGetValue(id, out var at) ? at : -1;
            }
            return Array.IndexOf(ids, id, 0, Count);
        }

        private void Resize(int capacity)
        {
            Array.Resize(ref ids, capacity);
            Array.Resize(ref events, capacity);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Concurrency conflict on {Stream}, attempt {Attempt}; reloading the journey")]
    private partial void LogConcurrencyConflict(string stream, int attempt);
}
