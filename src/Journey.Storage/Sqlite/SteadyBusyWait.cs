using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Journey.Storage.Sqlite;

/// <summary>
/// How the writer waits for a write lock another process holds: it tries again every millisecond, up to the store's
/// <see cref="SqliteEventStoreOptions.BusyTimeout"/>. SQLite's own wait (<c>busy_timeout</c>) sleeps 1, 2, 5, 10, 15,
/// 20, 25 … ms between tries, so a lock held for 9 ms was taken after 18: two processes that take turns at one file
/// (a server and its read node both record reads in <c>audit.db</c>) waited 22–35 ms at the 99th percentile for
/// each other's transactions of a few milliseconds while an ingest kept the disk busy; trying every millisecond, 4–8 ms.
/// </summary>
/// <remarks>SQLitePCL.raw has no binding for <c>sqlite3_busy_handler</c>: it is bound here, as the scan's row calls are.</remarks>
internal static unsafe partial class SteadyBusyWait
{
    private static long tries;

    /// <summary>Tries made again after a lock was found held, in this process so far; tests use it.</summary>
    public static long Retries => Interlocked.Read(ref tries);

    /// <summary>Replaces the connection's busy handler (and any <c>busy_timeout</c>) with the steady one.</summary>
    public static void Install(SqliteConnection connection, TimeSpan timeout)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var limit = (nint)Math.Clamp((long)Math.Ceiling(timeout.TotalMilliseconds), 0, int.MaxValue);
        SqliteResult.Check(db, sqlite3_busy_handler(db.DangerousGetHandle(), &TryAgain, limit));
    }

    // Called by SQLite on the waiting thread with how many times it was called for this wait; 0 gives up (SQLITE_BUSY).
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int TryAgain(nint limit, int count)
    {
        if (count >= limit)
        {
            return 0;
        }
        Thread.Sleep(1);
        Interlocked.Increment(ref tries);
        return 1;
    }

    [LibraryImport(RowNative.Library)]
    private static partial int sqlite3_busy_handler(nint db, delegate* unmanaged[Cdecl]<nint, int, int> handler, nint argument);
}
