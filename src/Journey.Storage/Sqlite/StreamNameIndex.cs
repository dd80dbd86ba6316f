using Microsoft.Data.Sqlite;

namespace Journey.Storage.Sqlite;

/// <summary>
/// The writer's side of finding streams by name. A new stream's row goes to the end of <c>streams</c> (keyed by
/// number); its name is held in memory (<see cref="RecentStreams"/>) and written to <c>stream_names</c> in runs
/// sorted by name, once <see cref="RunLength"/> names have gathered (a slice between each two appends'
/// transactions) or the writer falls idle. The streams after <c>names_indexed_through</c> are derived from the
/// file: after a crash, or when another process has written, they are read again.
/// </summary>
/// <remarks>
/// Journey streams are named by pseudonyms, which are random: indexed at once, every new journey put its name on a
/// random page of the index, and with ~40 new journeys a commit that was ~40 pages written to the WAL (and copied
/// again by the checkpointer) for ~400 events: two fifths of what the store wrote while a backfill streamed. A
/// sorted run writes each page of the index once for many names.
/// </remarks>
internal sealed class StreamNameIndex : IDisposable
{
    private readonly RecentStreams _recent;
    private readonly SqliteCommand _streamsAfter;
    private readonly RawStatement _insert;
    private readonly SortedRuns _runs;
    // Begun by the open transaction: held once it commits.
    private readonly List<(string Name, long Number)> _begun = [];
    // The run being written, sorted by name; how far it is written is in _runs.
    private KeyValuePair<string, long>[]? _run;
    private bool _loaded;

    public StreamNameIndex(SqliteConnection connection, RecentStreams recent, int minRunLength, int maxRunLength)
    {
        _recent = recent;
        _streamsAfter = SqliteSchema.Command(connection, "SELECT stream_id, name FROM streams WHERE stream_id > $after", ("$after", SqliteType.Integer));
        _insert = new RawStatement(connection, "INSERT OR IGNORE INTO stream_names (name, stream_id) VALUES (?1, ?2)");
        _runs = new SortedRuns(connection, "names_indexed_through", minRunLength, maxRunLength);
    }

    /// <summary>Names held in memory, not yet in the index.</summary>
    public int Held => _recent.Count;

    /// <summary>
    /// How many held names make the next run: an eighth of the index, within the store's bounds
    /// (<see cref="SqliteEventStoreOptions.StreamNameRunLength"/>, <see cref="SqliteEventStoreOptions.StreamNameMaxRunLength"/>),
    /// so that a run puts several names on each page it writes however large the index.
    /// </summary>
    public int RunLength => _runs.RunLength;

    /// <summary>True until <see cref="Reload"/> has read the streams after the index.</summary>
    public bool Stale => !_loaded;

    /// <summary>True while a run of names is being written, slice by slice.</summary>
    public bool Writing => _runs.Writing;

    public void Enlist(SqliteTransaction transaction)
    {
        _streamsAfter.Transaction = transaction;
        _runs.Enlist(transaction);
    }

    /// <summary>
    /// Holds the streams begun after what this process knows (all after the index, the first time): when the
    /// writer starts, and after another connection wrote.
    /// </summary>
    public void Reload()
    {
        _begun.Clear();
        var after = Math.Max(_runs.ReadIndexedThrough(), _recent.Known);
        _streamsAfter.Parameters[0].Value = after;
        using (var reader = _streamsAfter.ExecuteReader())
        {
            while (reader.Read())
            {
                var number = reader.GetInt64(0);
                _recent.Add(reader.GetString(1), number);
                after = Math.Max(after, number);
            }
        }
        _recent.KnowThrough(after);
        _loaded = true;
    }

    /// <summary>A stream the open transaction has begun.</summary>
    public void Begun(string name, long number) => _begun.Add((name, number));

    /// <summary>The open transaction has committed: its streams are held, and readers may find them.</summary>
    public void Committed()
    {
        var last = 0L;
        foreach (var (name, number) in _begun)
        {
            _recent.Add(name, number);
            last = Math.Max(last, number);
        }
        _begun.Clear();
        // Numbers are given in order from the highest stored, which this process knew when the transaction began.
        _recent.KnowThrough(last);
    }

    public void RolledBack() => _begun.Clear();

    /// <summary>
    /// Writes the next <paramref name="sliceLength"/> names of the current run to the index, in the open transaction;
    /// with no run under way, the names held now become the run, sorted as the index is. The last slice marks every
    /// stream up to the run's last as indexed. Call <see cref="SliceWritten"/> once the transaction has committed.
    /// </summary>
    /// <remarks>
    /// Until its last slice has committed, the run's names stay held; after a crash they are read again from
    /// <c>streams</c> and written again (a name the index has already is passed over).
    /// </remarks>
    public void WriteSlice(int sliceLength)
    {
        if (!_runs.Writing)
        {
            // Every stream up to Known is held or indexed; the run holds all that are held.
            var through = _recent.Known;
            _run = _recent.Snapshot();
            // Ordinal order is SQLite's BINARY order for the ASCII names streams have; any order is correct, this one writes each page once.
            Array.Sort(_run, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            _runs.Begin(_run.Length, through);
        }
        _runs.WriteSlice(sliceLength, InsertRun);
    }

    private void InsertRun(int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            _insert.BindText(1, _run![i].Key);
            _insert.Bind(2, _run[i].Value);
            _insert.Execute();
        }
    }

    /// <summary>The slice <see cref="WriteSlice"/> wrote has committed; after the last, the run's names are no longer held.</summary>
    public void SliceWritten()
    {
        if (!_runs.SliceCommitted())
        {
            return;
        }
        foreach (var (name, _) in _run!)
        {
            _recent.Remove(name);
        }
        _run = null;
    }

    public void Dispose()
    {
        _streamsAfter.Dispose();
        _insert.Dispose();
        _runs.Dispose();
    }
}
