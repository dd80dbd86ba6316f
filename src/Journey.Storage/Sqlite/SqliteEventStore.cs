using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Journey.Storage.Sqlite;

/// <summary>
/// The embedded event store: one SQLite file in WAL mode holding the global log. Appends from any
/// number of concurrent callers are group-committed by a single writer and acknowledged only once
/// durable; reads and subscriptions run on their own connections beside the writer. Several instances
/// (also in other processes) may open the same file; their subscriptions see each other's appends by polling.
/// </summary>
public sealed class SqliteEventStore : IEventStore, IEventLogScan
{
    private const int MaxIdleReaders = 8;

    private readonly string _path;
    private readonly SqliteEventStoreOptions _options;
    private readonly GroupCommitWriter _writer;
    private readonly WalCheckpointer _checkpointer;
    private readonly CommitSignal _committed;
    private readonly RecentStreams _recent;
    private readonly Stack<ReadConnection> _idleReaders = new();
    // Never disposed: subscriptions may still link to its token while they wind down, and a source
    // without a timer holds nothing that needs freeing.
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    private SqliteEventStore(string path, SqliteEventStoreOptions options, GroupCommitWriter writer, WalCheckpointer checkpointer, CommitSignal committed, RecentStreams recent)
    {
        _recent = recent;
        _path = path;
        _options = options;
        _writer = writer;
        _checkpointer = checkpointer;
        _committed = committed;
    }

    /// <summary>The database file.</summary>
    public string Path => _path;

    internal GroupCommitWriter Writer => _writer;

    internal WalCheckpointer Checkpointer => _checkpointer;

    /// <summary>Opens the store in <paramref name="path"/>, creating the file, its folder and its schema when missing.</summary>
    public static Task<SqliteEventStore> OpenAsync(string path, SqliteEventStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new SqliteEventStoreOptions();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();

        var fullPath = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(fullPath) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }
        var committed = new CommitSignal();
        var restart = new WalRestart();
        var recent = new RecentStreams();
        var writer = new GroupCommitWriter(SqliteSchema.OpenWriter(fullPath, options), options, committed, restart, recent);
        SqliteEventStore? store = null;
        // Idle read connections hold page caches of their own; after a burst they are opened again when needed.
        var checkpointer = new WalCheckpointer(SqliteSchema.OpenCheckpointer(fullPath, options), options, committed, restart, () => store?.CloseIdleReaders());
        store = new SqliteEventStore(fullPath, options, writer, checkpointer, committed, recent);
        return Task.FromResult(store);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Cancelling <paramref name="cancellationToken"/> withdraws the append only while it waits in the
    /// queue; once the writer has taken it, it completes with its outcome. Stores that reuse an event
    /// id elsewhere fail with <see cref="DuplicateEventIdException"/>. An empty list is refused.
    /// </remarks>
    public Task<AppendResult> AppendAsync(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }
        // A copy: the caller may reuse its list while the append waits in the queue.
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
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AppendResult>(cancellationToken);
        }
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        return _writer.EnqueueAsync(new AppendRequest(stream, expected, copy), cancellationToken);
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
        var forwards = direction == ReadDirection.Forwards;
        if (forwards && fromRevision > long.MaxValue)
        {
            yield break;
        }
        var from = ToInt64(fromRevision ?? (forwards ? 0UL : long.MaxValue));
        var remaining = maxCount;
        while (remaining > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var limit = (int)Math.Min(remaining, _options.ReadPageSize);
            var page = await ReadAsync(reader => reader.ReadStream(stream, _recent.Find(stream), direction, from, limit)).ConfigureAwait(false)
                ?? throw new ObjectDisposedException(nameof(SqliteEventStore));
            foreach (var e in page.Events)
            {
                yield return e;
            }
            remaining -= page.Events.Count;
            if (page.Scanned < limit)
            {
                yield break;
            }
            var last = (long)page.Events[^1].StreamRevision;
            from = forwards ? last + 1 : last - 1;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<RecordedEvent> ReadAllAsync(
        ReadDirection direction,
        ulong? after = null,
        long maxCount = long.MaxValue,
        StreamFilter? filter = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var forwards = direction == ReadDirection.Forwards;
        if (forwards && after >= long.MaxValue)
        {
            yield break;
        }
        var from = ToInt64(after ?? (forwards ? 0UL : long.MaxValue));
        var remaining = maxCount;
        while (remaining > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Filtered, a page is counted in rows looked at, not in rows that match.
            var limit = filter is null ? (int)Math.Min(remaining, _options.ReadPageSize) : _options.ReadPageSize;
            var page = await ReadAsync(reader => reader.ReadAll(direction, from, limit, filter)).ConfigureAwait(false)
                ?? throw new ObjectDisposedException(nameof(SqliteEventStore));
            foreach (var e in page.Events)
            {
                yield return e;
                if (--remaining == 0)
                {
                    yield break;
                }
            }
            if (page.Scanned < limit)
            {
                yield break;
            }
            from = page.LastScanned;
        }
    }

    /// <inheritdoc />
    /// <remarks>The scanner reads on a connection of its own with the file mapped into memory (<see cref="SqliteLogScanner"/>).</remarks>
    public IEventLogScanner OpenScanner()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        return new SqliteLogScanner(_path, _options, () => Volatile.Read(ref _disposed));
    }

    /// <inheritdoc />
    /// <remarks>A connection of its own, as <see cref="OpenScanner"/>'s, without the mapping.</remarks>
    public IEventLogScanner OpenFollower()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        return new SqliteLogScanner(_path, _options, () => Volatile.Read(ref _disposed), mapFile: false);
    }

    /// <inheritdoc />
    public async Task NextAppendAsync(CancellationToken cancellationToken)
    {
        // Taken before the first await: a commit from now on completes it.
        var nextCommit = _committed.NextCommit;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        if (!await WaitForCommitAsync(nextCommit, linked.Token).ConfigureAwait(false))
        {
            throw new OperationCanceledException(linked.Token);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Sends a <see cref="Checkpoint"/> after each page it reads, so a filter that skips a long run of
    /// events still reports progress. Ends without an exception when <paramref name="cancellationToken"/>
    /// is cancelled or the store is disposed.
    /// </remarks>
    public async IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(
        ulong? after,
        StreamFilter? filter = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var stop = linked.Token;
        ulong? position = after;
        var caughtUp = false;
        var pageSize = _options.ReadPageSize;
        while (!stop.IsCancellationRequested)
        {
            // Taken before the read: a commit that lands while we read still wakes the next wait.
            var nextCommit = _committed.NextCommit;
            var from = ToInt64(position ?? 0);
            if (await ReadAsync(reader => reader.ReadAll(ReadDirection.Forwards, from, pageSize, filter)).ConfigureAwait(false) is not { } page)
            {
                yield break;
            }
            foreach (var e in page.Events)
            {
                if (stop.IsCancellationRequested)
                {
                    yield break;
                }
                yield return new EventAppeared(e);
            }
            if (page.Scanned > 0)
            {
                position = (ulong)page.LastScanned;
                yield return new Checkpoint(position.Value);
            }
            if (page.Scanned == pageSize)
            {
                continue;
            }
            if (!caughtUp)
            {
                caughtUp = true;
                yield return new CaughtUp(position);
            }
            if (!await WaitForCommitAsync(nextCommit, stop).ConfigureAwait(false))
            {
                yield break;
            }
        }
    }

    /// <summary>Writes what is queued, closes every connection and folds the WAL into the database file.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_idleReaders)
        {
            if (_disposed)
            {
                return;
            }
            Volatile.Write(ref _disposed, true);
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        // Readers and the checkpointer closed first, the writer after: the writer's close checkpoints the WAL.
        CloseIdleReaders();
        await _checkpointer.DisposeAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Waits for the next commit in this process, or the poll interval for commits by other processes.</summary>
    private async Task<bool> WaitForCommitAsync(Task nextCommit, CancellationToken stop)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var delay = Task.Delay(_options.PollInterval, poll.Token);
        await Task.WhenAny(nextCommit, delay).ConfigureAwait(false);
        await poll.CancelAsync().ConfigureAwait(false);
        return !stop.IsCancellationRequested;
    }

    /// <summary>Runs one page query on an idle read connection; null once the store is disposed.</summary>
    private ValueTask<ReadPage?> ReadAsync(Func<ReadConnection, ReadPage> query) =>
        ValueTask.FromResult(TryRead(query, out var page) ? page : (ReadPage?)null);

    /// <summary>Runs one query on an idle read connection (opening one when none is idle); false once the store is disposed.</summary>
    private bool TryRead<T>(Func<ReadConnection, T> query, [MaybeNullWhen(false)] out T result)
    {
        ReadConnection? reader;
        lock (_idleReaders)
        {
            if (_disposed)
            {
                result = default;
                return false;
            }
            _idleReaders.TryPop(out reader);
        }
        reader ??= new ReadConnection(_path, _options);
        try
        {
            result = query(reader);
            return true;
        }
        finally
        {
            var keep = false;
            lock (_idleReaders)
            {
                if (!_disposed && _idleReaders.Count < MaxIdleReaders)
                {
                    _idleReaders.Push(reader);
                    keep = true;
                }
            }
            if (!keep)
            {
                reader.Dispose();
            }
        }
    }

    private void CloseIdleReaders()
    {
        lock (_idleReaders)
        {
            while (_idleReaders.TryPop(out var reader))
            {
                reader.Dispose();
            }
        }
    }

    internal static long ToInt64(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;
}
