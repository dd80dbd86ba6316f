using Microsoft.Data.Sqlite;

namespace Journey.Storage.Sqlite;

/// <summary>
/// What the indexes the writer fills in sorted runs (<see cref="EventIdIndex"/>, <see cref="StreamNameIndex"/>) share:
/// how long the next run is, how far the run under way is written (a slice per transaction), and the
/// <c>store_state</c> row that says up to which position or stream number everything is in the index.
/// </summary>
/// <remarks>
/// A run writes every page of the index it has a key for, and keys are random, so a run shorter than the index has
/// pages touches nearly one page per key. An eighth of the index, a run puts many keys on each page it writes
/// whatever the index's size, within bounds on the memory the held keys take.
/// </remarks>
internal sealed class SortedRuns : IDisposable
{
    private const int ShareOfIndex = 8;

    private readonly int _minLength;
    private readonly int _maxLength;
    private readonly SqliteCommand _indexedThrough;
    private readonly SqliteCommand _setIndexedThrough;
    // In the index as far as this writer knows: every entry up to this (positions and stream numbers have no gaps).
    private long _indexed;
    // The run under way (-1: none): its length, how much of it has committed, the slice in the open transaction,
    // and the position or number up to which it and the index hold everything.
    private int _length = -1;
    private int _written;
    private int _sliceEnd;
    private long _through;

    /// <param name="state">The row of <c>store_state</c> that records how far the index is complete.</param>
    public SortedRuns(SqliteConnection connection, string state, int minLength, int maxLength)
    {
        _minLength = minLength;
        _maxLength = Math.Max(minLength, maxLength);
        _indexedThrough = SqliteSchema.Command(connection, $"SELECT value FROM store_state WHERE name = '{state}'");
        // Never backwards: another process may have indexed further.
        _setIndexedThrough = SqliteSchema.Command(connection, $"UPDATE store_state SET value = MAX(value, $through) WHERE name = '{state}'", ("$through", SqliteType.Integer));
    }

    /// <summary>How many held keys make the next run: an eighth of the index, within the store's bounds.</summary>
    public int RunLength => (int)Math.Clamp(_indexed / ShareOfIndex, _minLength, _maxLength);

    /// <summary>True while a run is being written, slice by slice.</summary>
    public bool Writing => _length >= 0;

    public void Enlist(SqliteTransaction transaction)
    {
        _indexedThrough.Transaction = transaction;
        _setIndexedThrough.Transaction = transaction;
    }

    /// <summary>How far the index is complete, as this writer last read it or wrote a run.</summary>
    public long Indexed => _indexed;

    /// <summary>Reads how far the index is complete, in the open transaction.</summary>
    public long ReadIndexedThrough()
    {
        _indexed = Convert.ToInt64(_indexedThrough.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        return _indexed;
    }

    /// <summary>A run of <paramref name="length"/> keys begins: with them, the index holds everything up to <paramref name="through"/>.</summary>
    public void Begin(int length, long through)
    {
        _length = length;
        _written = 0;
        _through = through;
    }

    /// <summary>
    /// Writes the next <paramref name="sliceLength"/> keys of the run through <paramref name="insert"/> (given the range
    /// of the run's keys to insert), in the open transaction; the last slice also records how far the index is complete.
    /// </summary>
    public void WriteSlice(int sliceLength, Action<int, int> insert)
    {
        _sliceEnd = (int)Math.Min((long)_written + sliceLength, _length);
        insert(_written, _sliceEnd);
        if (_sliceEnd == _length)
        {
            _setIndexedThrough.Parameters[0].Value = _through;
            _setIndexedThrough.ExecuteNonQuery();
        }
    }

    /// <summary>The slice <see cref="WriteSlice"/> wrote has committed; true when it was the run's last.</summary>
    public bool SliceCommitted()
    {
        if (!Writing)
        {
            return false;
        }
        _written = _sliceEnd;
        if (_written < _length)
        {
            return false;
        }
        _indexed = Math.Max(_indexed, _through);
        _length = -1;
        return true;
    }

    public void Dispose()
    {
        _indexedThrough.Dispose();
        _setIndexedThrough.Dispose();
    }
}
