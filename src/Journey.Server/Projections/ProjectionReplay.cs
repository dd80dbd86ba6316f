using System.Threading.Channels;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using Journey.Storage;

namespace Journey.Server.Projections;

/// <summary>
/// Folds a range of the log into a projection as fast as the machine allows: one task reads the store
/// page after page, the JSON of each chunk is decoded on the thread pool (on other cores), and the fold
/// takes the chunks in log order. The projection sees exactly the events, in exactly the order, that a
/// plain loop over the log would give it.
/// </summary>
public static class ProjectionReplay
{
    // Large enough that handing a chunk between tasks costs nothing per event, small enough that the
    // chunks in flight stay a few megabytes.
    private const int ChunkEvents = 2_048;
    private const int ChunksInFlight = 8;

    private static readonly StreamFilter JourneyStreams = StreamFilter.Prefix(JourneyId.StreamCategory + "-");

    /// <summary>
    /// Folds the journey events after <paramref name="after"/> (null: from the start) up to and including
    /// <paramref name="until"/> into <paramref name="projection"/>. Returns how many events of journey
    /// streams were read. <paramref name="progress"/> is told the position and count now and then.
    /// </summary>
    public static async Task<long> FoldAsync(
        IEventStore store,
        LeadTimeProjection projection,
        ulong? after,
        ulong until,
        Func<ulong, long, Task> progress,
        long progressEvery,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentNullException.ThrowIfNull(progress);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Decoding chunks, in log order; each is decoded while the fold works on the ones before it.
        var decoded = Channel.CreateBounded<Task<Chunk>>(new BoundedChannelOptions(ChunksInFlight) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(() => ReadAsync(store, after, until, decoded.Writer, stop.Token), CancellationToken.None);

        long events = 0;
        var nextProgress = progressEvery;
        try
        {
            await foreach (var pending in decoded.Reader.ReadAllAsync(stop.Token))
            {
                var chunk = await pending;
                for (var i = 0; i < chunk.Count; i++)
                {
                    if (chunk.Events[i] is { } e)
                    {
                        projection.Apply(chunk.Positions[i], e);
                    }
                }
                events += chunk.Count;
                if (events >= nextProgress && chunk.Count > 0)
                {
                    nextProgress += progressEvery;
                    await progress(chunk.Positions[chunk.Count - 1], events);
                }
            }
        }
        finally
        {
            // Whatever ended the fold, the reader stops too, and its failure (if any) is the one that counts.
            await stop.CancelAsync();
            await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await reading;
        return events;
    }

    private static async Task ReadAsync(IEventStore store, ulong? after, ulong until, ChannelWriter<Task<Chunk>> decoded, CancellationToken cancellationToken)
    {
        try
        {
            var chunk = new List<RecordedEvent>(ChunkEvents);
            await foreach (var recorded in store.ReadAllAsync(ReadDirection.Forwards, after, filter: JourneyStreams, cancellationToken: cancellationToken))
            {
                if (recorded.Position > until)
                {
                    break;
                }
                chunk.Add(recorded);
                if (chunk.Count == ChunkEvents)
                {
                    await decoded.WriteAsync(DecodeAsync(chunk), cancellationToken);
                    chunk = new List<RecordedEvent>(ChunkEvents);
                }
            }
            if (chunk.Count > 0)
            {
                await decoded.WriteAsync(DecodeAsync(chunk), cancellationToken);
            }
            decoded.Complete();
        }
        catch (Exception ex)
        {
            decoded.Complete(ex);
            throw;
        }
    }

    private static Task<Chunk> DecodeAsync(List<RecordedEvent> recorded) => Task.Run(() =>
    {
        var chunk = new Chunk(recorded.Count);
        foreach (var e in recorded)
        {
            // Events of other types in journey streams are read (and counted) but are not journey events.
            chunk.Add(e.Position, e.Type == JourneyEventJson.EventType ? JourneyEventJson.Deserialize(e.Data.Span) : null);
        }
        return chunk;
    });

    private sealed class Chunk(int capacity)
    {
        public ulong[] Positions { get; } = new ulong[capacity];

        public JourneyEvent?[] Events { get; } = new JourneyEvent?[capacity];

        public int Count { get; private set; }

        public void Add(ulong position, JourneyEvent? e)
        {
            Positions[Count] = position;
            Events[Count] = e;
            Count++;
        }
    }
}
