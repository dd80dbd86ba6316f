using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Journey.Storage.Sqlite;

/// <summary>
/// The writer's INSERT as a prepared SQLite statement bound directly: every stored event passes here, and
/// the ADO.NET command costs a parameter binder and a boxed value per column per row. Runs inside the
/// writer's open transaction on the same connection; a failed row throws <see cref="SqliteException"/>
/// with SQLite's extended code, as the command would.
/// </summary>
internal sealed class InsertStatement : IDisposable
{
    private const int Position = 1;
    private const int Stream = 2;
    private const int Revision = 3;
    private const int EventId = 4;
    private const int Type = 5;
    private const int Data = 6;
    private const int Metadata = 7;
    private const int Created = 8;
    private const int StreamId = 9;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _text = new byte[256];

    public InsertStatement(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The writer's connection is not open.");
        SqliteResult.Check(_db, raw.sqlite3_prepare_v2(_db, $"INSERT INTO events ({SqliteSchema.InsertColumns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", out _statement));
    }

    /// <summary>Binds what all rows of one request share: its stream (name and number), and the commit time.</summary>
    public void BeginRequest(string stream, long streamId, long created)
    {
        // Bindings survive a reset, so shared values are bound once per request.
        SqliteResult.Check(_db, raw.sqlite3_bind_text(_statement, Stream, Utf8(stream)));
        SqliteResult.Check(_db, raw.sqlite3_bind_int64(_statement, StreamId, streamId));
        SqliteResult.Check(_db, raw.sqlite3_bind_int64(_statement, Created, created));
    }

    public void Insert(long position, long revision, EventData e)
    {
        Span<byte> id = stackalloc byte[16];
        e.EventId.TryWriteBytes(id, bigEndian: true, out _);
        SqliteResult.Check(_db, raw.sqlite3_bind_int64(_statement, Position, position));
        SqliteResult.Check(_db, raw.sqlite3_bind_int64(_statement, Revision, revision));
        SqliteResult.Check(_db, raw.sqlite3_bind_blob(_statement, EventId, id));
        SqliteResult.Check(_db, raw.sqlite3_bind_text(_statement, Type, Utf8(e.Type)));
        SqliteResult.Check(_db, raw.sqlite3_bind_blob(_statement, Data, e.Data.Span));
        SqliteResult.Check(_db, raw.sqlite3_bind_blob(_statement, Metadata, e.Metadata.Span));
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE)
            {
                throw SqliteResult.Error(_db, rc);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    // SQLite copies bound text and blobs (SQLITE_TRANSIENT), so one buffer serves every bind.
    private ReadOnlySpan<byte> Utf8(string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (length > _text.Length)
        {
            _text = new byte[Math.Max(length, _text.Length * 2)];
        }
        return _text.AsSpan(0, Encoding.UTF8.GetBytes(value, _text));
    }
}
