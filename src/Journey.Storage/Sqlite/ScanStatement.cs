using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Journey.Storage.Sqlite;

/// <summary>
/// The bulk read behind <see cref="IEventLogScan"/> as a prepared SQLite statement stepped directly: only the
/// columns a fold needs, each handed over as a span of SQLite's own row buffer. Through the ADO.NET reader a
/// row costs a string per text column and an array per blob; a rebuild reads millions of rows.
/// </summary>
internal sealed class ScanStatement : IDisposable
{
    private const int After = 1;
    private const int Until = 2;
    private const int Limit = 3;

    private const int PositionColumn = 0;
    private const int StreamColumn = 1;
    private const int TypeColumn = 2;
    private const int DataColumn = 3;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public ScanStatement(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The read connection is not open.");
        ThrowOnError(raw.sqlite3_exec(_db, "PRAGMA mmap_size = 2147418112"));
        ThrowOnError(raw.sqlite3_prepare_v2(
            _db,
            "SELECT position, stream, type, data FROM events WHERE position > ?1 AND position <= ?2 ORDER BY position LIMIT ?3",
            out _statement));
    }

    /// <summary>
    /// One page, in one read transaction: the statement's implicit transaction lasts from the first step to
    /// the reset, so a slow visitor holds a WAL snapshot for one page at most.
    /// </summary>
    public LogScanPage Scan(long after, long until, int limit, StreamFilter? filter, IEventVisitor visitor)
    {
        var prefixes = filter is null ? null : Utf8Prefixes(filter);
        var scanned = 0;
        long last = 0;
        Check(raw.sqlite3_bind_int64(_statement, After, after));
        Check(raw.sqlite3_bind_int64(_statement, Until, until));
        Check(raw.sqlite3_bind_int64(_statement, Limit, limit));
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
                scanned++;
                last = raw.sqlite3_column_int64(_statement, PositionColumn);
                // TEXT is stored as UTF-8, so its bytes come without a conversion.
                var stream = raw.sqlite3_column_blob(_statement, StreamColumn);
                if (prefixes is not null && !Matches(stream, prefixes))
                {
                    continue;
                }
                visitor.Visit(
                    (ulong)last,
                    stream,
                    raw.sqlite3_column_blob(_statement, TypeColumn),
                    raw.sqlite3_column_blob(_statement, DataColumn));
            }
            if (rc != raw.SQLITE_DONE)
            {
                ThrowOnError(rc);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
        return new LogScanPage(scanned, scanned == 0 ? null : (ulong)last);
    }

    public void Dispose() => _statement.Dispose();

    private static byte[][] Utf8Prefixes(StreamFilter filter)
    {
        var prefixes = new byte[filter.StreamPrefixes.Count][];
        for (var i = 0; i < prefixes.Length; i++)
        {
            prefixes[i] = Encoding.UTF8.GetBytes(filter.StreamPrefixes[i]);
        }
        return prefixes;
    }

    // Byte-wise prefix of UTF-8 is ordinal prefix of the strings, which is what StreamFilter.Matches means.
    private static bool Matches(ReadOnlySpan<byte> stream, byte[][] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (stream.StartsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            ThrowOnError(rc);
        }
    }

    private void ThrowOnError(int rc)
    {
        if (rc == raw.SQLITE_OK)
        {
            return;
        }
        throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
    }
}
