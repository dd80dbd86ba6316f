namespace Journey.Storage;

/// <summary>
/// An optional capability of an <see cref="IEventStore"/>: reading the global log forwards a page at a time,
/// handing each event's stored bytes to a visitor instead of materialising a <see cref="RecordedEvent"/>.
/// It is for folds over millions of events (a rebuild), where allocating and copying every event costs more
/// than the fold itself. Stores that cannot offer it simply do not implement it; callers then read with
/// <see cref="IEventStore.ReadAllAsync"/>, which yields the same events in the same order.
/// </summary>
public interface IEventLogScan
{
    /// <summary>
    /// Opens a scan of the global log: a reader of its own for one pass over a range, to be disposed when the
    /// pass is done. The store may give it resources it would not keep for ordinary reads (a SQLite file
    /// mapped into memory), and gives them back on dispose.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    IEventLogScanner OpenScanner();

    /// <summary>
    /// Opens a scanner for following the end of the log for as long as the caller lives (a live projection):
    /// it keeps only what ordinary reads keep, so the pages it has read do not stay in the process's memory.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    IEventLogScanner OpenFollower();

    /// <summary>
    /// Completes once events may have been appended since the call: at the store's next commit, or when its
    /// poll interval has passed (appends by other processes are seen only by looking). Call it before a scan
    /// that may find nothing new and await it after, so an append during the scan is not missed.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, or the store is disposed.</exception>
    Task NextAppendAsync(CancellationToken cancellationToken);
}

/// <summary>One pass over the global log, a page at a time (<see cref="IEventLogScan.OpenScanner"/>). Used by one caller at a time.</summary>
public interface IEventLogScanner : IDisposable
{
    /// <summary>
    /// Looks at up to <paramref name="maxScanned"/> events of the global log with positions after
    /// <paramref name="after"/> (null: from the start) up to and including <paramref name="until"/>, in
    /// position order, and hands those whose stream <paramref name="filter"/> matches (all when null) to
    /// <paramref name="visitor"/>. A page is counted in events looked at, not in events that match, so a filter
    /// that skips a long run still returns. Synchronous: the caller's thread does the reading, so call it off
    /// any thread that must stay responsive. Each page sees the log as committed when the page began.
    /// </summary>
    /// <returns>How many events were looked at and the position of the last; fewer than <paramref name="maxScanned"/> means the range is read.</returns>
    /// <exception cref="ObjectDisposedException">The scanner or its store is disposed.</exception>
    LogScanPage ScanForwards(ulong? after, ulong until, int maxScanned, StreamFilter? filter, IEventVisitor visitor);
}

/// <summary>Receives the events of one <see cref="IEventLogScanner.ScanForwards"/> call, in position order.</summary>
public interface IEventVisitor
{
    /// <summary>
    /// One stored event. <paramref name="stream"/> and <paramref name="type"/> are UTF-8,
    /// <paramref name="data"/> is the event's data as stored; the spans are valid only during this call.
    /// An exception ends the scan and reaches its caller.
    /// </summary>
    void Visit(ulong position, ReadOnlySpan<byte> stream, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data);
}

/// <summary>What one page of a scan looked at: how many events, and the position of the last (null when none).</summary>
public readonly record struct LogScanPage(int Scanned, ulong? LastScanned);
