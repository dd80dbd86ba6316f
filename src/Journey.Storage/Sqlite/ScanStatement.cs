using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using SQLitePCL;

namespace Journey.Storage.Sqlite;

/// <summary>
/// The bulk read behind <see cref="SqliteLogScanner"/> as a prepared SQLite statement stepped directly: only the
/// columns a fold needs, each handed over as a span of SQLite's own row buffer. Through the ADO.NET reader a
/// row costs a string per text column and an array per blob; a rebuild reads millions of rows. Prepared,
/// bound and reset through SQLitePCL.raw like the writer's INSERT; the per-row calls go through
/// <see cref="RowNative"/>.
/// </summary>
internal sealed class ScanStatement : IDisposable
{
    private const int After = 1;
    private const int Until = 2;

    private const int PositionColumn = 0;
    private const int StreamColumn = 1;
    private const int TypeColumn = 2;
    private const int DataColumn = 3;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public ScanStatement(sqlite3 db)
    {
        // The row calls below are bound to the library Microsoft.Data.Sqlite's bundle loads; another provider
        // would hand us statements of a library they do not know.
        if (raw.GetNativeLibraryName() != RowNative.Library)
        {
            throw new NotSupportedException($"The bulk scan reads through {RowNative.Library}; SQLitePCL uses {raw.GetNativeLibraryName()}.");
        }
        _db = db;
        SqliteResult.Check(_db, raw.sqlite3_prepare_v2(
            _db,
            // No LIMIT: SQLite prepares a statement again whenever a value bound to its LIMIT is bound anew; a page
            // ends by stepping no further.
            "SELECT position, stream, type, data FROM events WHERE position > ?1 AND position <= ?2 ORDER BY position",
            out _statement));
    }

    /// <summary>
    /// One page, in one read transaction: the statement's implicit transaction lasts from the first step to
    /// the reset, so a slow visitor holds a WAL snapshot for one page at most.
    /// </summary>
    // Runs per event of a rebuild, from cold: optimised at once rather than after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public LogScanPage Scan(long after, long until, int limit, StreamFilter? filter, IEventVisitor visitor)
    {
        var prefixes = filter is null ? null : Utf8Prefixes(filter);
        var scanned = 0;
        long last = 0;
        SqliteResult.Check(_db, raw.sqlite3_bind_int64(_statement, After, after));
        SqliteResult.Check(_db, raw.sqlite3_bind_int64(_statement, Until, until));
        // Held once for the page instead of once per call, as SQLitePCL's calls would.
        var held = false;
        _statement.DangerousAddRef(ref held);
        try
        {
            var statement = _statement.DangerousGetHandle();
            var rc = raw.SQLITE_ROW;
            while (scanned < limit && (rc = RowNative.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                scanned++;
                last = RowNative.sqlite3_column_int64(statement, PositionColumn);
                // TEXT is stored as UTF-8, so its bytes come without a conversion.
                var stream = RowNative.Column(statement, StreamColumn);
                if (prefixes is not null && !Matches(stream, prefixes))
                {
                    continue;
                }
                visitor.Visit((ulong)last, stream, RowNative.Column(statement, TypeColumn), RowNative.Column(statement, DataColumn));
            }
            if (rc is not (raw.SQLITE_DONE or raw.SQLITE_ROW))
            {
                throw SqliteResult.Error(_db, rc);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
            if (held)
            {
                _statement.DangerousRelease();
            }
        }
        return new LogScanPage(scanned, scanned == 0 ? null : (ulong)last);
    }

    /// <summary>How often SQLite has prepared the statement again since it was first prepared (SQLITE_STMTSTATUS_REPREPARE).</summary>
    public int Reprepared => raw.sqlite3_stmt_status(_statement, 5, 0);

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
}

/// <summary>
/// The calls a scan makes for every row, bound straight to the SQLite library of Microsoft.Data.Sqlite's bundle.
/// Through SQLitePCL.raw each call also goes through its provider's interface and takes and releases the
/// statement's SafeHandle; at eight calls a row that was a quarter of a scan's time. The column accessors only
/// read the current row (no I/O, no callbacks, and the scanner's connection has no mutex), so
/// they also skip the GC transition; step does I/O and keeps it.
/// </summary>
internal static unsafe partial class RowNative
{
    public const string Library = "e_sqlite3";

    [LibraryImport(Library)]
    public static partial int sqlite3_step(nint statement);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial long sqlite3_column_int64(nint statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial nint sqlite3_column_blob(nint statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int sqlite3_column_bytes(nint statement, int column);

    /// <summary>The column's bytes in SQLite's row buffer, valid until the next step or reset.</summary>
    public static ReadOnlySpan<byte> Column(nint statement, int column)
    {
        // Blob before bytes, as SQLite asks: the length is that of the value the pointer points at.
        var bytes = sqlite3_column_blob(statement, column);
        return new ReadOnlySpan<byte>((void*)bytes, sqlite3_column_bytes(statement, column));
    }
}
