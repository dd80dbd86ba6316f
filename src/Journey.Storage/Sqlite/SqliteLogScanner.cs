using SQLitePCL;

namespace Journey.Storage.Sqlite;

/// <summary>
/// One pass over the log (<see cref="IEventLogScanner"/>) on a connection of its own, opened for the pass and
/// closed when it is disposed. It differs from a pooled reader in two ways that a rebuild, reading every page
/// of the file once, measured at a sixth of its time:
/// <list type="bullet">
/// <item>The file is mapped into memory (<c>mmap_size</c>), so rows come from the operating system's page cache
/// without a system call and a copy per page. The mapping, and the resident pages it brings, go with the
/// connection; a pooled reader that kept it would keep the whole log in the server's working set.</item>
/// <item>The connection has no mutex of its own (SQLite's multi-thread mode, <c>SQLITE_OPEN_NOMUTEX</c>): a
/// scanner serves one caller at a time, and a mutex taken and released on each of the eight calls a row makes
/// cost more than reading the row.</item>
/// </list>
/// </summary>
internal sealed class SqliteLogScanner : IEventLogScanner
{
    // As much as SQLite allows: its build caps the mapping (pages beyond it are read as usual).
    private const long MapBytes = 1L << 40;

    // Pages are read once in a pass; the cache holds the b-tree's upper levels between pages of a scan.
    private const int CacheKib = 2_048;

    // A follower reads only the end of the log, one path down the tree; what it caches beyond that are pages
    // it will not read again, kept for as long as the server runs.
    private const int FollowerCacheKib = 256;

    private readonly Func<bool> _storeDisposed;
    private readonly sqlite3 _db;
    private readonly ScanStatement _statement;
    private bool _disposed;

    /// <param name="mapFile">
    /// False for a scanner that follows the log's end for as long as the store is open: a mapping would keep
    /// every page it ever read in the process's working set. Such a follower also gets a small page cache.
    /// </param>
    public SqliteLogScanner(string path, SqliteEventStoreOptions options, Func<bool> storeDisposed, bool mapFile = true)
    {
        _storeDisposed = storeDisposed;
        _db = SqliteSchema.OpenScanner(path, options, mapFile ? CacheKib : FollowerCacheKib, mapFile ? MapBytes : 0);
        try
        {
            _statement = new ScanStatement(_db);
        }
        catch
        {
            _db.Dispose();
            throw;
        }
    }

    /// <summary>How often SQLite has prepared the scan's statement again since it was first prepared; tests use it.</summary>
    internal int Reprepared => _statement.Reprepared;

    public LogScanPage ScanForwards(ulong? after, ulong until, int maxScanned, StreamFilter? filter, IEventVisitor visitor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxScanned, 1);
        ArgumentNullException.ThrowIfNull(visitor);
        ObjectDisposedException.ThrowIf(_disposed || _storeDisposed(), this);
        var from = SqliteEventStore.ToInt64(after ?? 0);
        var to = SqliteEventStore.ToInt64(until);
        return from >= to ? new LogScanPage(0, null) : _statement.Scan(from, to, maxScanned, filter, visitor);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        // The statement before its connection: SQLite closes a connection only once its statements are finalised.
        _statement.Dispose();
        _db.Dispose();
    }
}
