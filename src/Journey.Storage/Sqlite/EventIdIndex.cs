using System.Buffers.Binary;
using Microsoft.Data.Sqlite;

namespace Journey.Storage.Sqlite;

/// <summary>
/// The writer's answer to "is this event id stored, and where?". The ids of the events up to
/// <c>ids_indexed_through</c> are in the <c>event_ids</c> table; those of the events after it are held here,
/// in memory, and written to the table in runs sorted by id, once <see cref="RunLength"/> of them have gathered
/// (a slice between each two appends' transactions) or the writer falls idle.
/// </summary>
/// <remarks>
/// Event ids are UUIDs chosen by agencies: random. Kept in an index on the events table, every new event put
/// its id on a random page of that index, and every commit wrote each page so touched to the write-ahead log
/// and the checkpointer copied it once more: with ~100 events a commit, one 4 KB page for each, most of the
/// store's writing. A sorted run of tens of thousands of ids writes each page of the table once for many ids.
/// The held ids are derived from the log: after a crash they are read again from the events after
/// <c>ids_indexed_through</c>, and when another process has written, from the events it added.
/// </remarks>
internal sealed class EventIdIndex : IDisposable
{
    private readonly Dictionary<Guid, long> _held = [];
    // Held by the open transaction: let go of them if it rolls back.
    private readonly List<Guid> _heldInTransaction = [];
    private readonly SqliteCommand _lookup;
    private readonly SqliteCommand _eventsAfter;
    private readonly RawStatement _insert;
    private readonly SqliteCommand _allIndexed;
    private readonly SortedRuns _runs;
    // Every id stored, as far as this writer knows: a lookup in the table only for an id it may hold.
    private IdFilter? _filter;
    // The last position whose id the filter has, now and when the open transaction began.
    private long _filteredThrough;
    private long _filteredAtBegin;
    // The run of ids being written to the table, sorted by key (the id's bytes as the table orders them, read as
    // one big-endian number); how far it is written is in _runs.
    private KeyValuePair<Guid, long>[]? _run;
    private UInt128[]? _runKeys;
    // Where ReadId puts each id it reads from the file.
    private readonly byte[] _idBytes = new byte[16];

    public EventIdIndex(SqliteConnection connection, int minRunLength, int maxRunLength)
    {
        _lookup = SqliteSchema.Command(connection, "SELECT position FROM event_ids WHERE event_id = $id", ("$id", SqliteType.Blob));
        _eventsAfter = SqliteSchema.Command(connection, "SELECT event_id, position FROM events WHERE position > $after", ("$after", SqliteType.Integer));
        _insert = new RawStatement(connection, "INSERT OR IGNORE INTO event_ids (event_id, position) VALUES (?1, ?2)");
        _allIndexed = SqliteSchema.Command(connection, "SELECT event_id FROM event_ids");
        _runs = new SortedRuns(connection, "ids_indexed_through", minRunLength, maxRunLength);
    }

    /// <summary>Ids held in memory, not yet in the table.</summary>
    public int Held => _held.Count;

    /// <summary>Event ids read from the log to bring the held ids and the filter up to date, so far; tests use it.</summary>
    public long ReadFromLog { get; private set; }

    /// <summary>
    /// How many held ids make the next run: an eighth of the table, within the store's bounds
    /// (<see cref="SqliteEventStoreOptions.EventIdRunLength"/>, <see cref="SqliteEventStoreOptions.EventIdMaxRunLength"/>).
    /// </summary>
    /// <remarks>
    /// With runs of a fixed 65,536 ids, a store of 6 million events wrote 5.6 KB to disk per event appended, against
    /// 2.3 KB at one million. Sized by the table, a run puts about sixteen ids on each page it writes.
    /// </remarks>
    public int RunLength => _runs.RunLength;

    /// <summary>True when <see cref="Reload"/> must run before the next lookup: nothing read yet.</summary>
    public bool Stale => _filter is null;

    /// <summary>Joins the commands to the open transaction, as Microsoft.Data.Sqlite requires.</summary>
    public void Enlist(SqliteTransaction transaction)
    {
        _filteredAtBegin = _filteredThrough;
        foreach (var command in Commands)
        {
            command.Transaction = transaction;
        }
        _runs.Enlist(transaction);
    }

    /// <summary>
    /// Brings the held ids and the filter up to date with the file: when the writer starts (before its first append),
    /// everything after <c>ids_indexed_through</c>; after another connection wrote, only the events after the last
    /// this index knows of, and the held ids another writer's run has since put in the table are let go.
    /// </summary>
    /// <remarks>
    /// Two processes writing one file take turns (a server and its read node both record reads in <c>audit.db</c>), so
    /// each finds the other's commit at almost every transaction. Reading every held id again there, inside the write
    /// transaction, grew with the ids held (up to a run) while the other process waited for the lock: 2–18 ms for
    /// 1,100 audit records under ingest.
    /// </remarks>
    public void Reload()
    {
        try
        {
            _heldInTransaction.Clear();
            var known = _runs.Indexed;
            var indexedThrough = _runs.ReadIndexedThrough();
            if (Stale)
            {
                _held.Clear();
                BuildFilter(indexedThrough);
                _filteredThrough = indexedThrough;
            }
            else if (indexedThrough > known)
            {
                // Another writer has written a run since (this one's own let their ids go as they commit): its ids are in the table.
                foreach (var (id, position) in _held)
                {
                    if (position <= indexedThrough)
                    {
                        _held.Remove(id);
                    }
                }
            }
            // Every event up to _filteredThrough is in the filter, and held unless indexed: only later ones are new.
            _eventsAfter.Parameters[0].Value = _filteredThrough;
            using var reader = _eventsAfter.ExecuteReader();
            while (reader.Read())
            {
                var id = ReadId(reader);
                var position = reader.GetInt64(1);
                ReadFromLog++;
                if (position > indexedThrough)
                {
                    _held[id] = position;
                }
                _filter!.Add(id);
                _filteredThrough = Math.Max(_filteredThrough, position);
            }
        }
        catch
        {
            // Half read, the held ids or the filter could miss ids that are stored: start again from nothing next time.
            _filter = null;
            _held.Clear();
            _heldInTransaction.Clear();
            throw;
        }
    }

    // From the table: every id indexed, as many as the positions up to indexedThrough (positions have no gaps,
    // so no count of the table is needed). The held ones follow in Reload.
    private void BuildFilter(long indexedThrough)
    {
        _filter = new IdFilter(2 * (indexedThrough + RunLength));
        using var reader = _allIndexed.ExecuteReader();
        while (reader.Read())
        {
            _filter.Add(ReadId(reader));
        }
    }

    // An id column read into one buffer: the filter is built from every stored id, so an array each would add up.
    private Guid ReadId(SqliteDataReader reader)
    {
        reader.GetBytes(0, 0, _idBytes, 0, _idBytes.Length);
        return new Guid(_idBytes, bigEndian: true);
    }

    /// <summary>The position of the stored event with <paramref name="eventId"/>, or null when none has it.</summary>
    public long? Find(Guid eventId)
    {
        // The filter first: it has every held id too, so a new id (almost every one asked about) costs no lookup in
        // the dictionary of held ids, which is as large as a run and as random to reach.
        if (_filter is not null && !_filter.MayContain(eventId))
        {
            return null;
        }
        if (_held.TryGetValue(eventId, out var position))
        {
            return position;
        }
        _lookup.Parameters[0].Value = SqliteSchema.ToBytes(eventId);
        return _lookup.ExecuteScalar() is long stored ? stored : null;
    }

    /// <summary>An event the open transaction has written.</summary>
    public void Add(Guid eventId, long position)
    {
        _held.Add(eventId, position);
        _heldInTransaction.Add(eventId);
        // Kept if the transaction rolls back: an id it has too many is a lookup more, never a wrong answer.
        _filter?.Add(eventId);
        _filteredThrough = Math.Max(_filteredThrough, position);
    }

    public void Committed() => _heldInTransaction.Clear();

    public void RolledBack()
    {
        // Its positions will be another transaction's, perhaps another process's.
        _filteredThrough = _filteredAtBegin;
        foreach (var id in _heldInTransaction)
        {
            _held.Remove(id);
        }
        _heldInTransaction.Clear();
    }

    /// <summary>True while a run of held ids is being written, slice by slice.</summary>
    public bool Writing => _runs.Writing;

    /// <summary>
    /// Writes the next <paramref name="sliceLength"/> ids of the current run to the table, in the open transaction;
    /// with no run under way, the ids held now become the run, sorted as the table is. The last slice marks every
    /// event up to the run's last as indexed. Call <see cref="SliceWritten"/> once the transaction has committed.
    /// </summary>
    /// <remarks>
    /// A run of ~65,000 ids touches most pages of the table; written in one transaction, it held up every append
    /// queued behind it for that long. In slices between appends' transactions, each is a short wait. Until its
    /// last slice has committed, the run's ids stay held (so found), and after a crash they are read again from
    /// the log and written again (an id the table has already is passed over).
    /// </remarks>
    public void WriteSlice(int sliceLength)
    {
        if (!_runs.Writing)
        {
            _run = new KeyValuePair<Guid, long>[_held.Count];
            _runKeys = new UInt128[_run.Length];
            Span<byte> bytes = stackalloc byte[16];
            long through = 0;
            var i = 0;
            foreach (var entry in _held)
            {
                _run[i] = entry;
                entry.Key.TryWriteBytes(bytes, bigEndian: true, out _);
                _runKeys[i] = BinaryPrimitives.ReadUInt128BigEndian(bytes);
                through = Math.Max(through, entry.Value);
                i++;
            }
            // The table's order: its key's bytes, compared as memcmp compares them, which is the order of
            // those bytes read as one big-endian number.
            Array.Sort(_runKeys, _run);
            // Every event up to the run's last is indexed once it is written: those before its first were, and each
            // after it is in the run (the writer held all it knew of when the run began).
            _runs.Begin(_run.Length, through);
        }
        _runs.WriteSlice(sliceLength, InsertRun);
    }

    private void InsertRun(int start, int end)
    {
        Span<byte> id = stackalloc byte[16];
        for (var i = start; i < end; i++)
        {
            BinaryPrimitives.WriteUInt128BigEndian(id, _runKeys![i]);
            _insert.Bind(1, id);
            _insert.Bind(2, _run![i].Value);
            _insert.Execute();
        }
    }

    /// <summary>The slice <see cref="WriteSlice"/> wrote has committed; after the last, the run's ids are no longer held.</summary>
    public void SliceWritten()
    {
        if (!_runs.SliceCommitted())
        {
            return;
        }
        foreach (var (id, _) in _run!)
        {
            _held.Remove(id);
        }
        if (_held.Count == 0)
        {
            _held.TrimExcess();
        }
        _run = null;
        _runKeys = null;
    }

    public void Dispose()
    {
        foreach (var command in Commands)
        {
            command.Dispose();
        }
        _insert.Dispose();
        _runs.Dispose();
    }

    private SqliteCommand[] Commands => [_lookup, _eventsAfter, _allIndexed];
}
