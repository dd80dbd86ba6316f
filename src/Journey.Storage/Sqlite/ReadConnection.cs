using Microsoft.Data.Sqlite;

namespace Journey.Storage.Sqlite;

/// <summary>
/// One page of a read: the events that passed the filter, and how far the query got. A page is read
/// in one short read transaction, so a slow consumer never holds a WAL snapshot open.
/// </summary>
internal readonly record struct ReadPage(List<RecordedEvent> Events, int Scanned, long LastScanned);

/// <summary>A read connection with its prepared queries; WAL lets it read beside the writer.</summary>
internal sealed class ReadConnection : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _allForwards;
    private readonly SqliteCommand _allBackwards;
    private readonly SqliteCommand _streamForwards;
    private readonly SqliteCommand _streamBackwards;

    public ReadConnection(string path, SqliteEventStoreOptions options)
    {
        _connection = SqliteSchema.OpenReader(path, options);
        var pageSize = options.ReadPageSize;
        _allForwards = Command($"SELECT {SqliteSchema.Columns} FROM events WHERE position > $from ORDER BY position LIMIT {pageSize}", stream: false);
        _allBackwards = Command($"SELECT {SqliteSchema.Columns} FROM events WHERE position < $from ORDER BY position DESC LIMIT {pageSize}", stream: false);
        _streamForwards = Command(StreamForwards(pageSize), stream: true);
        _streamBackwards = Command(StreamBackwards(pageSize), stream: true);
    }

    // A page's length is in the statement, never a parameter: SQLite prepares a statement again whenever a value bound
    // to its LIMIT is bound anew, and Microsoft.Data.Sqlite binds every parameter at every execution, so with
    // "LIMIT $limit" every read of a stream parsed and planned its query again. A shorter page stops reading early.

    /// <summary>A stream's events from a revision on: its number found by name, then a range of the index on (number, revision).</summary>
    internal static string StreamForwards(int pageSize) =>
        $"SELECT {SqliteSchema.Columns} FROM events WHERE stream_id = {SqliteSchema.StreamNumber} AND revision >= $from ORDER BY revision LIMIT {pageSize}";

    internal static string StreamBackwards(int pageSize) =>
        $"SELECT {SqliteSchema.Columns} FROM events WHERE stream_id = {SqliteSchema.StreamNumber} AND revision <= $from ORDER BY revision DESC LIMIT {pageSize}";

    /// <summary>The connection's SQLite handle; tests use it.</summary>
    internal SQLitePCL.sqlite3 Handle => _connection.Handle!;

    /// <summary>Up to <paramref name="limit"/> rows (at most a page) of the log after (forwards) or before (backwards) <paramref name="from"/>.</summary>
    public ReadPage ReadAll(ReadDirection direction, long from, int limit, StreamFilter? filter)
    {
        var command = direction == ReadDirection.Forwards ? _allForwards : _allBackwards;
        command.Parameters[0].Value = from;
        return Read(command, limit, filter);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> events (at most a page) of a stream from revision <paramref name="from"/> (inclusive) on;
    /// <paramref name="held"/> is what <see cref="RecentStreams.Find"/> said of the stream just before.
    /// </summary>
    public ReadPage ReadStream(string stream, (long? Number, long Known) held, ReadDirection direction, long from, int limit)
    {
        var command = direction == ReadDirection.Forwards ? _streamForwards : _streamBackwards;
        command.Parameters[0].Value = from;
        command.Parameters[1].Value = stream;
        command.Parameters[2].Value = held.Number is { } number ? number : DBNull.Value;
        command.Parameters[3].Value = held.Known;
        return Read(command, limit, filter: null);
    }

    public void Dispose()
    {
        // Statements before their connection: SQLite closes a connection only once its statements are finalised.
        _allForwards.Dispose();
        _allBackwards.Dispose();
        _streamForwards.Dispose();
        _streamBackwards.Dispose();
        _connection.Dispose();
    }

    private static ReadPage Read(SqliteCommand command, int limit, StreamFilter? filter)
    {
        var events = new List<RecordedEvent>();
        var scanned = 0;
        long last = 0;
        using var reader = command.ExecuteReader();
        while (scanned < limit && reader.Read())
        {
            scanned++;
            last = reader.GetInt64(0);
            var stream = reader.GetString(1);
            // Rows the filter skips are never materialised: their data is not even read from the page.
            if (filter is not null && !filter.Matches(stream))
            {
                continue;
            }
            events.Add(new RecordedEvent(
                stream,
                (ulong)reader.GetInt64(2),
                (ulong)last,
                new Guid(reader.GetFieldValue<byte[]>(3), bigEndian: true),
                reader.GetString(4),
                reader.GetFieldValue<byte[]>(5),
                reader.GetFieldValue<byte[]>(6),
                SqliteSchema.FromMicroseconds(reader.GetInt64(7))));
        }
        return new ReadPage(events, scanned, last);
    }

    private SqliteCommand Command(string sql, bool stream)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add("$from", SqliteType.Integer);
        if (stream)
        {
            command.Parameters.Add("$stream", SqliteType.Text);
            command.Parameters.Add("$number", SqliteType.Integer);
            command.Parameters.Add("$known", SqliteType.Integer);
        }
        return command;
    }
}
