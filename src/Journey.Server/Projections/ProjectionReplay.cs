using System.Threading.Channels;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using Journey.Storage;

namespace Journey.Server.Projections;

/// <summary>
/// Folds a range of the log into a projection as fast as the machine allows: one task reads the store a
/// page at a time into chunks of stored bytes, while the fold decodes and applies the chunks before it, in
/// log order, on another core. The projection sees exactly the events, in exactly the order, that a plain
/// loop over the log would give it.
/// </summary>
/// <remarks>
/// Nothing is allocated per event beyond the projection's own state: a store that can scan
/// (<see cref="IEventLogScan"/>) copies each event's bytes straight from its page into a reused chunk, and
/// the fold decodes only the fields it reads (<see cref="JourneyEventJson.DecodeFields"/>). Other stores are
/// read through <see cref="IEventStore.ReadAllAsync"/> into the same chunks. Reading and decoding take about
/// the same time per event, so two stages keep two cores busy. The per-event methods on this path are
/// compiled optimised from their first call: a rebuild runs them from cold, and waiting for tiered
/// compilation to promote them cost a noticeable part of its first second.
/// </remarks>
public static class ProjectionReplay
{
    // Events looked at per page and chunk: large enough that handing a chunk between tasks and starting a
    // query cost nothing per event, small enough that a page's read transaction lasts milliseconds and
    // the chunks in flight stay around ten megabytes (stored events are a few hundred bytes).
    private const int ChunkEvents = 8_192;
    private const int ChunksInFlight = 4;

    private static readonly StreamFilter JourneyStreams = StreamFilter.Prefix(JourneyId.StreamCategory + "-");

    /// <summary>
    /// Folds the journey events after <paramref name="after"/> (null: from the start) up to and including
    /// <paramref name="until"/> into <paramref name="projection"/>. Returns how many events of journey
    /// streams were read. <paramref name="progress"/> is told the position and count now and then.
    /// </summary>
    public static Task<long> FoldAsync(
        IEventStore store,
        LeadTimeProjection projection,
        ulong? after,
        ulong until,
        Func<ulong, long, Task> progress,
        long progressEvery,
        CancellationToken cancellationToken) =>
        FoldAsync(store, projection, after, until, progress, progressEvery, ChunkEvents, cancellationToken);

    /// <summary>As the public overload, with pages and chunks of <paramref name="chunkEvents"/>: small ones let tests cross many boundaries.</summary>
    internal static async Task<long> FoldAsync(
        IEventStore store,
        LeadTimeProjection projection,
        ulong? after,
        ulong until,
        Func<ulong, long, Task> progress,
        long progressEvery,
        int chunkEvents,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentNullException.ThrowIfNull(progress);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Chunks go round: the reader fills an empty one, the fold empties it and hands it back.
        var filled = Channel.CreateBounded<EventChunk>(new BoundedChannelOptions(ChunksInFlight) { SingleReader = true, SingleWriter = true });
        var empty = Channel.CreateBounded<EventChunk>(new BoundedChannelOptions(ChunksInFlight) { SingleReader = true, SingleWriter = true });
        for (var i = 0; i < ChunksInFlight; i++)
        {
            empty.Writer.TryWrite(new EventChunk(chunkEvents));
        }
        var reading = Task.Run(
            () => store is IEventLogScan scan
                ? ScanAsync(scan, after, until, chunkEvents, empty.Reader, filled.Writer, stop.Token)
                : ReadAsync(store, after, until, chunkEvents, empty.Reader, filled.Writer, stop.Token),
            CancellationToken.None);

        long events = 0;
        var nextProgress = progressEvery;
        try
        {
            await foreach (var chunk in filled.Reader.ReadAllAsync(stop.Token))
            {
                chunk.FoldInto(projection);
                events += chunk.Count;
                var last = chunk.LastPosition;
                empty.Writer.TryWrite(chunk);
                if (events >= nextProgress)
                {
                    nextProgress += progressEvery;
                    await progress(last, events);
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

    private static async Task ScanAsync(IEventLogScan scan, ulong? after, ulong until, int chunkEvents, ChannelReader<EventChunk> empty, ChannelWriter<EventChunk> filled, CancellationToken cancellationToken)
    {
        try
        {
            using var scanner = scan.OpenScanner();
            var from = after;
            EventChunk? chunk = null;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // A page the filter skipped entirely leaves its chunk empty, to be filled by the next page.
                chunk ??= await empty.ReadAsync(cancellationToken);
                chunk.Clear();
                var page = scanner.ScanForwards(from, until, chunkEvents, JourneyStreams, chunk);
                if (chunk.Count > 0)
                {
                    await filled.WriteAsync(chunk, cancellationToken);
                    chunk = null;
                }
                if (page.Scanned < chunkEvents || page.LastScanned >= until)
                {
                    break;
                }
                from = page.LastScanned;
            }
            filled.Complete();
        }
        catch (Exception ex)
        {
            filled.Complete(ex);
            throw;
        }
    }

    private static async Task ReadAsync(IEventStore store, ulong? after, ulong until, int chunkEvents, ChannelReader<EventChunk> empty, ChannelWriter<EventChunk> filled, CancellationToken cancellationToken)
    {
        try
        {
            var chunk = await empty.ReadAsync(cancellationToken);
            chunk.Clear();
            await foreach (var recorded in store.ReadAllAsync(ReadDirection.Forwards, after, filter: JourneyStreams, cancellationToken: cancellationToken))
            {
                if (recorded.Position > until)
                {
                    break;
                }
                chunk.Add(recorded);
                if (chunk.Count == chunkEvents)
                {
                    await filled.WriteAsync(chunk, cancellationToken);
                    chunk = await empty.ReadAsync(cancellationToken);
                    chunk.Clear();
                }
            }
            if (chunk.Count > 0)
            {
                await filled.WriteAsync(chunk, cancellationToken);
            }
            filled.Complete();
        }
        catch (Exception ex)
        {
            filled.Complete(ex);
            throw;
        }
    }
}
