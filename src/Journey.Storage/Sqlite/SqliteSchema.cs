using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Journey.Storage.Sqlite;

/// <summary>The file layout and connection settings of the embedded store.</summary>
internal static class SqliteSchema
{
    /// <summary>Stored in <c>PRAGMA user_version</c>, so a later layout can recognise and migrate this one.</summary>
    /// <remarks>
    /// 1: event ids unique through an index on the events table. 2: event ids in a table of their own
    /// (<c>event_ids</c>) that the writer fills in large sorted runs (<see cref="EventIdIndex"/>); opening a
    /// layout-1 file moves it to 2. 3: streams named by a number (<c>streams</c>), and the events' index on
    /// (stream number, revision) instead of (stream name, revision); opening a layout-1 or 2 file moves it to 3.
    /// 4: streams kept in the order they began (<c>streams</c>, keyed by number) and found by name through
    /// <c>stream_names</c>, which the writer fills in large sorted runs (<see cref="StreamNameIndex"/>); opening a
    /// file of an earlier layout moves it to 4.
    /// </remarks>
    public const int Version = 4;

    // position is the rowid: the global log order is the table's own b-tree order, so reading $all
    // is a sequential scan. Positions are assigned by the single writer as max+1 under the write lock,
    // which makes them gap-free and increasing in commit order. created is UTC, in microseconds since
    // the Unix epoch. event_id is the UUID's 16 bytes in RFC 4122 (big-endian) order. stream_id numbers
    // the streams in the order they began (streams): a new journey's events go to the end of the index on
    // (stream_id, revision), where an index on the name put each at a random page. The name stays in every
    // row, so reading the log needs no join. streams is keyed by number, so a new stream's row goes to its end
    // too; its name reaches stream_names later, in a sorted run of many (StreamNameIndex), and until then the
    // writer and the readers of this process find it in memory (RecentStreams), others among the streams after
    // names_indexed_through.
    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS events (
            position  INTEGER PRIMARY KEY,
            stream    TEXT    NOT NULL,
            revision  INTEGER NOT NULL,
            event_id  BLOB    NOT NULL,
            type      TEXT    NOT NULL,
            data      BLOB    NOT NULL,
            metadata  BLOB    NOT NULL,
            created   INTEGER NOT NULL,
            stream_id INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS streams (
            stream_id INTEGER PRIMARY KEY,
            name      TEXT    NOT NULL
        );
        CREATE TABLE IF NOT EXISTS stream_names (
            name      TEXT    NOT NULL PRIMARY KEY,
            stream_id INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    private const string CreateStreamIndex = "CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events (stream_id, revision);";

    // Every event id with its position, for the events up to ids_indexed_through; the writer holds those
    // after it in memory (EventIdIndex). Keyed by the id, so a run of ids sorted before they are inserted
    // writes each page of the table once.
    private const string CreateEventIds = """
        CREATE TABLE IF NOT EXISTS event_ids (
            event_id BLOB    NOT NULL PRIMARY KEY,
            position INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS store_state (
            name  TEXT    NOT NULL PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO store_state (name, value) VALUES ('ids_indexed_through', 0);
        INSERT OR IGNORE INTO store_state (name, value) VALUES ('names_indexed_through', 0);
        """;

    // Layout 1 to 2: the ids the index on the events table held move to event_ids, all of them indexed.
    private const string MoveEventIds = """
        INSERT INTO event_ids (event_id, position) SELECT event_id, position FROM events ORDER BY event_id;
        DROP INDEX events_event_id;
        UPDATE store_state SET value = (SELECT COALESCE(MAX(position), 0) FROM events) WHERE name = 'ids_indexed_through';
        """;

    // Layout 2 to 3: every stream numbered in the order it began, each event given its stream's number,
    // and the index on names replaced by one on numbers (a new index of the same name).
    private const string NumberStreams = """
        INSERT INTO streams (name, stream_id)
            SELECT stream, ROW_NUMBER() OVER (ORDER BY MIN(position)) FROM events GROUP BY stream;
        ALTER TABLE events ADD COLUMN stream_id INTEGER NOT NULL DEFAULT 0;
        UPDATE events SET stream_id = (SELECT stream_id FROM streams WHERE name = events.stream);
        DROP INDEX events_stream_revision;
        INSERT INTO stream_names (name, stream_id) SELECT name, stream_id FROM streams ORDER BY name;
        """;

    // Layout 3 to 4, in two steps around CreateTables: the streams table keyed by name becomes the name index,
    // and the streams are listed again in the order of their numbers.
    private const string KeepNamesAsIndex = "ALTER TABLE streams RENAME TO stream_names;";

    private const string ListStreamsByNumber = "INSERT INTO streams (stream_id, name) SELECT stream_id, name FROM stream_names ORDER BY stream_id;";

    // Layouts 1 to 3: every name found through the index.
    private const string AllNamesIndexed =
        "UPDATE store_state SET value = (SELECT COALESCE(MAX(stream_id), 0) FROM streams) WHERE name = 'names_indexed_through';";

    /// <summary>
    /// A stream's number by its name, for a query binding <c>$number</c> (what <see cref="RecentStreams"/> holds, or
    /// null), <c>$known</c> (<see cref="RecentStreams.Known"/>) and <c>$stream</c>: held in memory, else in the name
    /// index, else among the streams begun after both (another process's, or this one's before its writer has
    /// read them): a range of numbers, mostly empty, never the whole table.
    /// </summary>
    public const string StreamNumber = """
        COALESCE($number,
            (SELECT stream_id FROM stream_names WHERE name = $stream),
            (SELECT stream_id FROM streams
                WHERE stream_id > MAX($known, (SELECT value FROM store_state WHERE name = 'names_indexed_through')) AND name = $stream))
        """;

    /// <summary>The columns an event is read with, in <see cref="RecordedEvent"/>'s order.</summary>
    public const string Columns = "position, stream, revision, event_id, type, data, metadata, created";

    /// <summary>The columns an event is written with: what it is read with, and its stream's number.</summary>
    public const string InsertColumns = Columns + ", stream_id";

    public static SqliteConnection OpenWriter(string path, SqliteEventStoreOptions options)
    {
        var connection = Open(path, SqliteOpenMode.ReadWriteCreate, options, options.CacheSizeKib);
        try
        {
            var mode = Scalar(connection, "PRAGMA journal_mode = WAL");
            if (!string.Equals(mode as string, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL mode for '{path}' (journal_mode is '{mode}').");
            }
            // FULL syncs the WAL on every commit: an acknowledged append survives power loss, not just a crash.
            Execute(connection, "PRAGMA synchronous = FULL");
            // Checkpoints run beside the writer (WalCheckpointer), never inside its commits.
            Execute(connection, "PRAGMA wal_autocheckpoint = 0");

            using var transaction = connection.BeginTransaction();
            var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version", transaction), CultureInfo.InvariantCulture);
            if (version > Version)
            {
                throw new InvalidOperationException($"'{path}' has event-store layout {version}; this version reads up to {Version}.");
            }
            if (version == 3)
            {
                Execute(connection, KeepNamesAsIndex, transaction);
            }
            Execute(connection, CreateTables, transaction);
            Execute(connection, CreateEventIds, transaction);
            if (version == 1)
            {
                Execute(connection, MoveEventIds, transaction);
            }
            if (version is 1 or 2)
            {
                Execute(connection, NumberStreams, transaction);
            }
            if (version == 3)
            {
                Execute(connection, ListStreamsByNumber, transaction);
            }
            if (version is >= 1 and <= 3)
            {
                Execute(connection, AllNamesIndexed, transaction);
            }
            Execute(connection, CreateStreamIndex, transaction);
            Execute(connection, $"PRAGMA user_version = {Version}", transaction);
            transaction.Commit();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public static SqliteConnection OpenReader(string path, SqliteEventStoreOptions options)
    {
        // Read-write mode with query_only: a read-only connection cannot create the WAL index it needs
        // when it happens to be the first to open the file after a restart.
        var connection = Open(path, SqliteOpenMode.ReadWrite, options, options.ReadCacheSizeKib);
        Execute(connection, QueryOnly);
        return connection;
    }

    /// <summary>The connection that copies the WAL into the database file (<see cref="WalCheckpointer"/>).</summary>
    public static SqliteConnection OpenCheckpointer(string path, SqliteEventStoreOptions options) =>
        Open(path, SqliteOpenMode.ReadWrite, options, options.ReadCacheSizeKib);

    /// <summary>
    /// A reader for one pass over the log (<see cref="SqliteLogScanner"/>), opened through SQLitePCL.raw because
    /// it has no mutex (<c>SQLITE_OPEN_NOMUTEX</c>: one caller at a time) and maps up to
    /// <paramref name="mapBytes"/> of the file into memory; otherwise set up as <see cref="OpenReader"/> sets up a reader.
    /// </summary>
    public static sqlite3 OpenScanner(string path, SqliteEventStoreOptions options, int cacheSizeKib, long mapBytes)
    {
        var rc = raw.sqlite3_open_v2(path, out var db, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_NOMUTEX, null);
        try
        {
            SqliteResult.Check(db, rc);
            foreach (var pragma in ConnectionPragmas(options, cacheSizeKib).Append(QueryOnly).Append($"PRAGMA mmap_size = {mapBytes}"))
            {
                SqliteResult.Check(db, raw.sqlite3_exec(db, pragma));
            }
            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private const string QueryOnly = "PRAGMA query_only = ON";

    // What every connection of the store sets, however it is opened.
    private static string[] ConnectionPragmas(SqliteEventStoreOptions options, int cacheSizeKib) =>
    [
        $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}",
        $"PRAGMA cache_size = -{cacheSizeKib}",
    ];

    private static SqliteConnection Open(string path, SqliteOpenMode mode, SqliteEventStoreOptions options, int cacheSizeKib)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            // We keep our own connections; the driver's pool would keep the file open after dispose.
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        };
        var connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            connection.Open();
            foreach (var pragma in ConnectionPragmas(options, cacheSizeKib))
            {
                Execute(connection, pragma);
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    /// <summary>A command to prepare once and run many times, its parameters declared with their types.</summary>
    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            command.Parameters.Add(name, type);
        }
        return command;
    }

    public static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteScalar();
    }

    public static long ToMicroseconds(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);

    public static byte[] ToBytes(Guid id) => id.ToByteArray(bigEndian: true);

    /// <summary>The array behind <paramref name="memory"/> when it is a whole array, else a copy: SQLite binds arrays.</summary>
    public static byte[] ToArray(ReadOnlyMemory<byte> memory) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out var segment)
            && segment.Array is { } array && segment.Offset == 0 && segment.Count == array.Length
            ? array
            : memory.ToArray();
}
