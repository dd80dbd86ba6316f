using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Journey.Domain.Events;
using Journey.Storage;

namespace Journey.Server.Projections;

/// <summary>
/// The live projection's view of the log: follows it after a position, on a task of its own, and hands the
/// journey events over in chunks of their stored bytes (<see cref="EventChunk"/>), as a rebuild reads them.
/// </summary>
/// <remarks>
/// A store that can scan (<see cref="IEventLogScan"/>) is followed with a scanner of its own, its rows copied
/// straight from SQLite's buffers into the chunks; other stores through their catch-up subscription. Through
/// the subscription every event became an object with two strings and two arrays, only to be decoded into the
/// five fields the fold reads: a sixth of what the server allocated while it ingested. The chunks go round
/// (a few thousand events at most wait for the fold), so a fold that falls behind holds the reading back
/// instead of buffering the log in memory.
/// </remarks>
internal sealed partial class ProjectionFeed(IEventStore store, ILogger logger)
{
    // Events looked at per page and chunk. The chunks in flight hold what arrives between two drains of a busy
    // ingest (~3,000 events at 30,000 a second), and their buffers (~1.6 MB) stay for the server's lifetime.
    private const int ChunkEvents = 1_024;
    private const int ChunksInFlight = 4;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly StreamFilter JourneyStreams = StreamFilter.Prefix(JourneyId.StreamCategory + "-");

    private readonly Channel<EventChunk> _filled = Channel.CreateBounded<EventChunk>(new BoundedChannelOptions(ChunksInFlight) { SingleReader = true, SingleWriter = true });
    private readonly Channel<EventChunk> _empty = CreateEmpty();
    // The last position handed over; reading resumes after it when the store fails.
    private ulong? _after;
    private bool _catchingUp;

    /// <summary>A chunk read since the last call, in log order; give it <see cref="Return"/> once folded.</summary>
    public bool TryTake([NotNullWhen(true)] out EventChunk? chunk) => _filled.Reader.TryRead(out chunk);

    /// <summary>
    /// True while the feed reads a backlog (its last page was full): the next chunk is a moment away, and a
    /// fold that waits for it (<see cref="WaitToTakeAsync"/>) instead of its next turn keeps up with the reading.
    /// </summary>
    public bool CatchingUp => Volatile.Read(ref _catchingUp);

    /// <summary>True once a chunk is there to take; false when none came within <paramref name="timeout"/> or <paramref name="cancellationToken"/> was cancelled first.</summary>
    public async Task<bool> WaitToTakeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            return await _filled.Reader.WaitToReadAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Hands a folded chunk back for reading into.</summary>
    public void Return(EventChunk chunk)
    {
        chunk.Clear();
        _empty.Writer.TryWrite(chunk);
    }

    /// <summary>
    /// Reads the journey events after <paramref name="after"/> (null: from the start) until cancelled. When the
    /// store fails (a restart, the network), it says so and resumes after the last event handed over: no gap,
    /// no repeat.
    /// </summary>
    public async Task RunAsync(ulong? after, CancellationToken cancellationToken)
    {
        _after = after;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await (store is IEventLogScan scan ? FollowAsync(scan, cancellationToken) : SubscribeAsync(cancellationToken));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
            {
                // The store is closing (the server stops, and the projection with it a moment later): nothing to report.
                LogStoreClosed(_after);
            }
            catch (Exception ex)
            {
                LogFeedDropped(ex, _after);
            }
            try
            {
                await Task.Delay(RetryDelay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task FollowAsync(IEventLogScan scan, CancellationToken cancellationToken)
    {
        using var scanner = scan.OpenFollower();
        EventChunk? chunk = null;
        // Armed before the scan it waits after, so an append during that scan is not missed.
        Task? appended = null;
        try
        {
            while (true)
            {
                chunk ??= await _empty.Reader.ReadAsync(cancellationToken);
                var page = scanner.ScanForwards(_after, ulong.MaxValue, ChunkEvents, JourneyStreams, chunk);
                if (chunk.Count > 0)
                {
                    await _filled.Writer.WriteAsync(chunk, cancellationToken);
                    chunk = null;
                }
                // Events the filter skipped are passed over too.
                _after = page.LastScanned ?? _after;
                Volatile.Write(ref _catchingUp, page.Scanned == ChunkEvents);
                if (page.Scanned == ChunkEvents)
                {
                    continue;
                }
                if (appended is null)
                {
                    appended = scan.NextAppendAsync(cancellationToken);
                    continue;
                }
                await appended;
                appended = null;
            }
        }
        finally
        {
            if (chunk is not null)
            {
                Return(chunk);
            }
        }
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        EventChunk? chunk = null;
        try
        {
            await using var subscription = store.SubscribeToAllAsync(_after, JourneyStreams, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                var next = subscription.MoveNextAsync();
                // Whatever has arrived goes to the fold before the subscription waits for more.
                if (!next.IsCompleted)
                {
                    Volatile.Write(ref _catchingUp, false);
                    if (chunk is { Count: > 0 })
                    {
                        await HandOverAsync(chunk, cancellationToken);
                        chunk = null;
                    }
                }
                if (!await next)
                {
                    break;
                }
                if (subscription.Current is EventAppeared { Event: var recorded })
                {
                    chunk ??= await _empty.Reader.ReadAsync(cancellationToken);
                    chunk.Add(recorded);
                    if (chunk.Count == ChunkEvents)
                    {
                        Volatile.Write(ref _catchingUp, true);
                        await HandOverAsync(chunk, cancellationToken);
                        chunk = null;
                    }
                }
            }
            if (chunk is { Count: > 0 })
            {
                await HandOverAsync(chunk, cancellationToken);
                chunk = null;
            }
        }
        finally
        {
            // Read but not handed over: read again after the last event that was.
            if (chunk is not null)
            {
                Return(chunk);
            }
        }
    }

    private async Task HandOverAsync(EventChunk chunk, CancellationToken cancellationToken)
    {
        var last = chunk.LastPosition;
        await _filled.Writer.WriteAsync(chunk, cancellationToken);
        _after = last;
    }

    private static Channel<EventChunk> CreateEmpty()
    {
        // Handed back by the fold, and by the reading when it stops with a chunk in hand.
        var empty = Channel.CreateBounded<EventChunk>(new BoundedChannelOptions(ChunksInFlight) { SingleReader = true });
        for (var i = 0; i < ChunksInFlight; i++)
        {
            empty.Writer.TryWrite(new EventChunk(ChunkEvents));
        }
        return empty;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The store closed while the live projection read it after position {Position}")]
    private partial void LogStoreClosed(ulong? position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the log for the live projection failed after position {Position}; resuming")]
    private partial void LogFeedDropped(Exception exception, ulong? position);
}
