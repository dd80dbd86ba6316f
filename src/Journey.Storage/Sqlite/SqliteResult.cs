using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Journey.Storage.Sqlite;

/// <summary>
/// Result codes of the statements this store drives through SQLitePCL.raw (the writer's INSERT, the bulk
/// scan), turned into the <see cref="SqliteException"/> Microsoft.Data.Sqlite would have thrown, with
/// SQLite's message and extended code, so callers handle one kind of failure whichever way a row went.
/// </summary>
internal static class SqliteResult
{
    public static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw Error(db, rc);
        }
    }

    public static SqliteException Error(sqlite3 db, int rc) =>
        new(raw.sqlite3_errmsg(db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(db));
}
