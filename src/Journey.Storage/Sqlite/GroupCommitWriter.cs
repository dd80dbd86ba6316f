using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Journey.Storage.Sqlite;

/// <summary>
/// The single writer of a store. Callers queue append requests; one loop drains whatever is queued
/// into one transaction, so thousands of small concurrent appends share each fsync. Each request is
/// checked on its own: one that fails its check fails alone and the others in the transaction commit.
/// </summary>
/// <remarks>
/// The loop runs on a thread of its own: it spends its time inside SQLite's synchronous calls (inserts,
/// the commit's fsync), and on a pool thread it would hold one of the few threads that ingest, queries and
/// the grains share, long enough for the pool to start adding threads.
/// </remarks>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    private const int NoStream = -1;

    // A run of held event ids or stream names is written in slices of a sixteenth of its shortest length, one
    // after each appends' transaction.
    private const int RunSlices = 16;

    private readonly SqliteConnection _connection;
    private readonly SqliteEventStoreOptions _options;
    private readonly CommitSignal _committed;
    private readonly WalRestart _restart;
    private readonly BlockingCollection<AppendRequest> _queue = new(new ConcurrentQueue<AppendRequest>());
    // Held while the connection writes: by the loop, or by a caller writing its lone append itself.
    private readonly Lock _writing = new();

    // Each stream's number and last revision as committed (or as written by the open transaction), so that
    // checking an expected revision costs no query.
    private readonly Dictionary<string, StreamState> _streams = new(StringComparer.Ordinal);
    private readonly List<AppendRequest> _batch = [];
    private readonly List<object> _outcomes = [];

    private readonly InsertStatement _insert;
    private readonly EventIdIndex _ids;
    private readonly StreamNameIndex _names;
    private readonly RecentStreams _recent;
    private readonly SqliteCommand _findStream;
    private readonly SqliteCommand _addStream;
    private readonly SqliteCommand _lastPosition;
    private readonly SqliteCommand _lastStreamId;
    private readonly SqliteCommand _findEvent;
    private readonly SqliteCommand _dataVersion;
    private readonly SqliteCommand _restartWal;
    private readonly Thread _loop;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _seenDataVersion = -1;
    private long _transactions;
    private long _memoryReleases;
    private long _walRestarts;
    private int _queued;

    public GroupCommitWriter(SqliteConnection connection, SqliteEventStoreOptions options, CommitSignal committed, WalRestart restart, RecentStreams recent)
    {
        _connection = connection;
        _options = options;
        _committed = committed;
        _restart = restart;
        _insert = new InsertStatement(connection);
        _ids = new EventIdIndex(connection, options.EventIdRunLength, options.EventIdMaxRunLength);
        _recent = recent;
        _names = new StreamNameIndex(connection, recent, options.StreamNameRunLength, options.StreamNameMaxRunLength);
        // In the writer's transaction every stream is held or indexed (Begin read again what others began), so
        // unlike a reader's (SqliteSchema.StreamNumber) its lookup never looks among the streams after the index.
        _findStream = Command(
            "SELECT n, (SELECT MAX(revision) FROM events WHERE stream_id = n) FROM (SELECT COALESCE($number, (SELECT stream_id FROM stream_names WHERE name = $stream)) AS n) WHERE n IS NOT NULL",
            ("$number", SqliteType.Integer), ("$stream", SqliteType.Text));
        _addStream = Command("INSERT INTO streams (stream_id, name) VALUES ($id, $stream)", ("$id", SqliteType.Integer), ("$stream", SqliteType.Text));
        _lastPosition = Command("SELECT COALESCE(MAX(position), 0) FROM events");
        _lastStreamId = Command("SELECT COALESCE(MAX(stream_id), 0) FROM events");
        _findEvent = Command("SELECT stream, revision FROM events WHERE position = $position", ("$position", SqliteType.Integer));
        _dataVersion = Command("PRAGMA data_version");
        _restartWal = Command("PRAGMA wal_checkpoint(RESTART)");
        SteadyBusyWait.Install(connection, options.BusyTimeout);
        _loop = new Thread(WriteLoop) { IsBackground = true, Name = "Journey store writer" };
        _loop.Start();
    }

    /// <summary>Transactions committed so far; tests use it to see that requests shared one.</summary>
    internal long TransactionsCommitted => Interlocked.Read(ref _transactions);

    /// <summary>Requests queued and not yet taken by the writer.</summary>
    internal int QueuedRequests => Volatile.Read(ref _queued);

    public Task<AppendResult> EnqueueAsync(AppendRequest request, CancellationToken cancellationToken)
    {
        request.CancelWith(cancellationToken);
        if (_options.WriteLoneAppendsOnCallersThread && Volatile.Read(ref _queued) == 0 && TryWriteAlone(request))
        {
            return request.Completion;
        }
        Interlocked.Increment(ref _queued);
        try
        {
            _queue.Add(request);
        }
        catch (InvalidOperationException)
        {
            // Adding was completed: the store is being disposed.
            Interlocked.Decrement(ref _queued);
            throw new ObjectDisposedException(nameof(SqliteEventStore));
        }
        return request.Completion;
    }

    /// <summary>
    /// Writes <paramref name="request"/> in a transaction of its own on the caller's thread (<see cref="SqliteEventStoreOptions.WriteLoneAppendsOnCallersThread"/>),
    /// unless the writer is writing or the store is closing: then false, and it is queued as any other.
    /// </summary>
    private bool TryWriteAlone(AppendRequest request)
    {
        if (!_writing.TryEnter())
        {
            return false;
        }
        try
        {
            if (_queue.IsAddingCompleted)
            {
                return false;
            }
            // A request its caller withdrew first has its answer (cancelled) already.
            if (request.TryTake())
            {
                _batch.Clear();
                _batch.Add(request);
                WriteBatch();
            }
            return true;
        }
        finally
        {
            _writing.Exit();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Requests already queued are still written: their callers may be waiting for the acknowledgement.
        _queue.CompleteAdding();
        await _stopped.Task.ConfigureAwait(false);
        // A caller writing its own append began before the store started closing: its transaction ends first.
        _writing.Enter();
        _writing.Exit();
        _queue.Dispose();
        _insert.Dispose();
        _ids.Dispose();
        _names.Dispose();
        foreach (var command in TransactionCommands)
        {
            command.Dispose();
        }
        _restartWal.Dispose();
        try
        {
            // Fold the WAL into the database so the file is complete on its own once we are gone. A TRUNCATE
            // waits for every other writer and stops new ones meanwhile: a store that wrote nothing (a read node,
            // an export beside a running server) copies what it can without waiting, and stalls no one.
            SqliteSchema.Execute(_connection, TransactionsCommitted > 0 ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)");
        }
        catch (SqliteException)
        {
            // Another process still reading keeps the WAL busy; it checkpoints when it closes.
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private void WriteLoop()
    {
        try
        {
            if (_options.BuildIdFilterAtOpen)
            {
                lock (_writing)
                {
                    PrepareIndexes();
                }
            }
            // Blocks until a request comes, then takes whatever else is queued, up to a batch. After a
            // burst, the first wait that times out releases what only the burst needed.
            var wroteSinceIdle = false;
            while (true)
            {
                if (!_queue.TryTake(out var first, wroteSinceIdle ? _options.IdleAfterMilliseconds : Timeout.Infinite))
                {
                    lock (_writing)
                    {
                        WriteHeld();
                        if (_queue.IsCompleted)
                        {
                            break;
                        }
                        ReleaseMemory();
                    }
                    wroteSinceIdle = false;
                    continue;
                }
                wroteSinceIdle = true;
                lock (_writing)
                {
                    _batch.Clear();
                    var events = 0;
                    for (var request = first; request is not null; request = events < _options.MaxBatchEvents && _queue.TryTake(out var next) ? next : null)
                    {
                        // Taken first, counted out after: a request no longer counted as queued can no longer be withdrawn.
                        var taken = request.TryTake();
                        Interlocked.Decrement(ref _queued);
                        if (taken)
                        {
                            _batch.Add(request);
                            events += request.Events.Length;
                        }
                    }
                    if (_batch.Count > 0)
                    {
                        WriteBatch();
                    }
                }
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>
    /// Builds the event-id filter and reads the held ids and stream names before the first append comes (<see cref="SqliteEventStoreOptions.BuildIdFilterAtOpen"/>):
    /// the filter is built from the whole id table (~1 s per million ids), which the first append's transaction,
    /// and every append queued behind it, would otherwise wait for. A failure here leaves the work to the first
    /// transaction, as without the option.
    /// </summary>
    private void PrepareIndexes()
    {
        try
        {
            // Read first: whatever another process commits from here on, the first transaction sees and reads again.
            _seenDataVersion = Int64(_dataVersion.ExecuteScalar());
            _ids.Reload();
            _names.Reload();
        }
        catch (Exception)
        {
            // Only a head start: whatever went wrong, the writer must live on; its first transaction tries again
            // and fails that append with the cause, as it did before.
            _seenDataVersion = -1;
        }
    }

    // The commands that run inside the writer's transaction (the WAL restart runs between two).
    private SqliteCommand[] TransactionCommands => [_findStream, _addStream, _lastPosition, _lastStreamId, _findEvent, _dataVersion];

    /// <summary>True once the event-id filter is built (tests use it).</summary>
    internal bool IdsReady => !_ids.Stale;

    /// <summary>Event ids held in memory and ids read again from the log (<see cref="EventIdIndex.ReadFromLog"/>); tests use them.</summary>
    internal (int Held, long ReadFromLog) Ids => (_ids.Held, _ids.ReadFromLog);

    /// <summary>
    /// Idle: the page cache (up to <see cref="SqliteEventStoreOptions.CacheSizeKib"/>) and the stream cache
    /// go back to the allocator; the next burst reads the pages it needs again.
    /// </summary>
    private void ReleaseMemory()
    {
        _streams.Clear();
        _streams.TrimExcess();
        _batch.TrimExcess();
        _outcomes.TrimExcess();
        try
        {
            SqliteSchema.Execute(_connection, "PRAGMA shrink_memory");
        }
        catch (SqliteException)
        {
            // Only memory: the cache is kept, and the next idle period tries again.
        }
        Interlocked.Increment(ref _memoryReleases);
    }

    /// <summary>Times the writer has released its caches after a burst; tests use it.</summary>
    internal long MemoryReleases => Interlocked.Read(ref _memoryReleases);

    private void WriteBatch()
    {
        _outcomes.Clear();
        try
        {
            using var transaction = Begin();

            var next = new NextNumbers(Int64(_lastPosition.ExecuteScalar()) + 1, Int64(_lastStreamId.ExecuteScalar()) + 1);
            var created = SqliteSchema.ToMicroseconds(DateTimeOffset.UtcNow);
            foreach (var request in _batch)
            {
                _outcomes.Add(Apply(request, ref next, created));
            }
            transaction.Commit();
            _ids.Committed();
            _names.Committed();
        }
        catch (Exception exception)
        {
            // Nothing of this transaction is stored: every request in it fails, and the streams, revisions and
            // ids it cached are not true any more.
            _streams.Clear();
            _ids.RolledBack();
            _names.RolledBack();
            foreach (var request in _batch)
            {
                request.Fail(exception);
            }
            return;
        }

        Interlocked.Increment(ref _transactions);
        for (var i = 0; i < _batch.Count; i++)
        {
            if (_outcomes[i] is AppendResult result)
            {
                _batch[i].Complete(result);
            }
            else
            {
                _batch[i].Fail((Exception)_outcomes[i]);
            }
        }
        _committed.Pulse();
        var ids = _ids.Writing || _ids.Held >= _ids.RunLength;
        var names = _names.Writing || _names.Held >= _names.RunLength;
        if (ids || names)
        {
            WriteSlices(
                ids ? Math.Max(1, _options.EventIdRunLength / RunSlices) : 0,
                names ? Math.Max(1, _options.StreamNameRunLength / RunSlices) : 0);
        }
        if (_restart.TryTake())
        {
            RestartWal();
        }
    }

    /// <summary>
    /// Opens the write transaction. Another process may have written since our last one: then the cached
    /// revisions and the held event ids are stale. data_version changes exactly when another connection has committed.
    /// </summary>
    private SqliteTransaction Begin()
    {
        var transaction = _connection.BeginTransaction(deferred: false);
        try
        {
            foreach (var command in TransactionCommands)
            {
                command.Transaction = transaction;
            }
            _ids.Enlist(transaction);
            _names.Enlist(transaction);
            var dataVersion = Int64(_dataVersion.ExecuteScalar());
            var othersWrote = dataVersion != _seenDataVersion;
            _seenDataVersion = dataVersion;
            if (othersWrote || _streams.Count > _options.StreamCacheCapacity)
            {
                _streams.Clear();
            }
            if (othersWrote || _ids.Stale)
            {
                _ids.Reload();
            }
            if (othersWrote || _names.Stale)
            {
                _names.Reload();
            }
            return transaction;
        }
        catch
        {
            transaction.Dispose();
            throw;
        }
    }

    /// <summary>Writes every event id and stream name held in memory to their indexes: when idle, and when closing.</summary>
    private void WriteHeld()
    {
        while (HoldsAny && WriteSlices(int.MaxValue, int.MaxValue))
        {
        }
    }

    private bool HoldsAny => _ids.Writing || _ids.Held > 0 || _names.Writing || _names.Held > 0;

    /// <summary>
    /// A slice of the run of held ids and one of the run of held names (a length of 0: none), in a transaction of
    /// their own between two appends' transactions; false if it failed or had nothing to write.
    /// </summary>
    private bool WriteSlices(int idSlice, int nameSlice)
    {
        try
        {
            using var transaction = Begin();
            // Begin may have read the held ids and names again.
            var ids = idSlice > 0 && (_ids.Writing || _ids.Held > 0);
            var names = nameSlice > 0 && (_names.Writing || _names.Held > 0);
            if (!ids && !names)
            {
                return false;
            }
            if (ids)
            {
                _ids.WriteSlice(idSlice);
            }
            if (names)
            {
                _names.WriteSlice(nameSlice);
            }
            transaction.Commit();
            // A commit like any other: the checkpointer counts the WAL as written again. Without it, the slices an idle
            // writer writes after the checkpointer's idle TRUNCATE stayed in the WAL until the next append.
            _committed.Pulse();
            if (ids)
            {
                _ids.SliceWritten();
            }
            if (names)
            {
                _names.SliceWritten();
            }
            return true;
        }
        catch (Exception exception) when (exception is SqliteException or InvalidOperationException or IOException)
        {
            // Nothing lost: the ids stay held (they are in the log, too), and the next slice writes them.
            return false;
        }
    }

    /// <summary>WAL restarts the writer has made; tests use it.</summary>
    internal long WalRestarts => Interlocked.Read(ref _walRestarts);

    /// <summary>
    /// Between two transactions, at the checkpointer's request: copies what its last round left, waits
    /// briefly for readers still on the WAL, and so makes the next transaction write the WAL from its
    /// beginning. Run here because a RESTART needs the write lock, which this loop otherwise takes again
    /// the moment it lets go. The callers of the last transaction have their answer already.
    /// </summary>
    private void RestartWal()
    {
        var handle = _connection.Handle;
        try
        {
            SQLitePCL.raw.sqlite3_busy_timeout(handle, (int)WalRestart.ReaderPatience.TotalMilliseconds);
            using var reader = _restartWal.ExecuteReader();
            // One row: busy (readers stayed on the WAL, or another process checkpoints), frames, frames copied.
            if (reader.Read() && reader.GetInt32(0) == 0)
            {
                Interlocked.Increment(ref _walRestarts);
            }
        }
        catch (SqliteException)
        {
            // The disk refused for now: the WAL still holds every commit, and the checkpointer asks again.
        }
        finally
        {
            SteadyBusyWait.Install(_connection, _options.BusyTimeout);
        }
    }

    /// <summary>Writes one request inside the open transaction; returns its result or the exception for its caller.</summary>
    private object Apply(AppendRequest request, ref NextNumbers next, long created)
    {
        var stream = FindStream(request.Stream);
        var current = stream.LastRevision;
        if (!Satisfies(request.Expected, current))
        {
            return FindEarlierAppend(request) is { } earlier
                ? earlier
                : new WrongExpectedRevisionException(request.Stream, request.Expected, current == NoStream ? null : (ulong)current);
        }

        // An event id stored already: a retry of an acknowledged append, or an id reused.
        foreach (var e in request.Events)
        {
            if (_ids.Find(e.EventId) is not null)
            {
                return FindEarlierAppend(request) ?? (object?)FindAnyStored(request)
                    ?? throw new InvalidOperationException($"Event id {e.EventId} is stored, yet not found.");
            }
        }

        // A stream is numbered when its first events are written (an append is never empty: the store refuses that).
        if (stream.Id == 0)
        {
            stream = stream with { Id = next.StreamId++ };
            _addStream.Parameters[0].Value = stream.Id;
            _addStream.Parameters[1].Value = request.Stream;
            _addStream.ExecuteNonQuery();
            _names.Begun(request.Stream, stream.Id);
        }

        var first = next.Position;
        var positions = new ulong[request.Events.Length];
        // Should the (stream, revision) index fire, our revision cache was wrong, which data_version rules out:
        // the exception fails the transaction rather than guessing, and the caches are rebuilt.
        _insert.BeginRequest(request.Stream, stream.Id, created);
        for (var i = 0; i < request.Events.Length; i++)
        {
            _insert.Insert(first + i, current + 1 + i, request.Events[i]);
            positions[i] = (ulong)(first + i);
        }

        for (var i = 0; i < request.Events.Length; i++)
        {
            _ids.Add(request.Events[i].EventId, first + i);
        }
        next.Position += request.Events.Length;
        _streams[request.Stream] = stream with { LastRevision = current + request.Events.Length };
        return new AppendResult((ulong)(current + request.Events.Length), positions);
    }

    private StreamState FindStream(string stream)
    {
        if (_streams.TryGetValue(stream, out var state))
        {
            return state;
        }
        _findStream.Parameters[0].Value = _recent.Find(stream).Number is { } number ? number : DBNull.Value;
        _findStream.Parameters[1].Value = stream;
        using (var reader = _findStream.ExecuteReader())
        {
            state = reader.Read() ? new StreamState(reader.GetInt64(0), reader.IsDBNull(1) ? NoStream : reader.GetInt64(1)) : StreamState.New;
        }
        _streams[stream] = state;
        return state;
    }

    /// <summary>A stream's number (0 until its first event is written) and its last revision (-1: no events).</summary>
    private readonly record struct StreamState(long Id, long LastRevision)
    {
        public static StreamState New => new(0, NoStream);
    }

    /// <summary>The position and stream number the open transaction gives next.</summary>
    private record struct NextNumbers(long Position, long StreamId);

    private static bool Satisfies(ExpectedRevision expected, long current) => expected.Kind switch
    {
        ExpectedRevisionKind.Any => true,
        ExpectedRevisionKind.NoStream => current == NoStream,
        ExpectedRevisionKind.StreamExists => current != NoStream,
        ExpectedRevisionKind.Exact => current != NoStream && (ulong)current == expected.Revision,
        _ => throw new ArgumentOutOfRangeException(nameof(expected), expected.Kind, "Unknown expected-revision kind."),
    };

    /// <summary>
    /// The original result when every event of the request is stored already, in order, in this stream,
    /// at the place the request's expected revision puts it: a retry of an acknowledged append.
    /// </summary>
    private AppendResult? FindEarlierAppend(AppendRequest request)
    {
        var positions = new ulong[request.Events.Length];
        long firstRevision = 0;
        for (var i = 0; i < request.Events.Length; i++)
        {
            if (Find(request.Events[i].EventId) is not { } stored || stored.Stream != request.Stream)
            {
                return null;
            }
            if (i == 0)
            {
                firstRevision = stored.Revision;
            }
            else if (stored.Revision != firstRevision + i)
            {
                return null;
            }
            positions[i] = (ulong)stored.Position;
        }

        var samePlace = request.Expected.Kind switch
        {
            ExpectedRevisionKind.Any => true,
            ExpectedRevisionKind.NoStream => firstRevision == 0,
            ExpectedRevisionKind.StreamExists => firstRevision > 0,
            ExpectedRevisionKind.Exact => (ulong)firstRevision == request.Expected.Revision + 1,
            _ => false,
        };
        return samePlace ? new AppendResult((ulong)(firstRevision + request.Events.Length - 1), positions) : null;
    }

    private DuplicateEventIdException? FindAnyStored(AppendRequest request)
    {
        foreach (var e in request.Events)
        {
            if (Find(e.EventId) is { } stored)
            {
                return new DuplicateEventIdException(e.EventId, stored.Stream, (ulong)stored.Position);
            }
        }
        return null;
    }

    private (string Stream, long Revision, long Position)? Find(Guid eventId)
    {
        if (_ids.Find(eventId) is not { } position)
        {
            return null;
        }
        _findEvent.Parameters[0].Value = position;
        using var reader = _findEvent.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetInt64(1), position) : null;
    }

    private static long Int64(object? value) => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);

    private SqliteCommand Command(string sql, params (string Name, SqliteType Type)[] parameters) =>
        SqliteSchema.Command(_connection, sql, parameters);
}
