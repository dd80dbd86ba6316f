using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Journey.Storage.Sqlite;

/// <summary>
/// A statement the writer runs for every row it writes, prepared once and bound directly through SQLitePCL.raw:
/// the ADO.NET command costs a parameter binder, a data reader and a boxed value per column per row. Runs on
/// the connection it was prepared on, inside whatever transaction that connection has open; a failed row
/// throws <see cref="SqliteException"/> with SQLite's extended code, as the command would.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _text = new byte[256];

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The writer's connection is not open.");
        SqliteResult.Check(_db, raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    // Bindings survive a reset: what rows share is bound once. SQLite copies bound text and blobs
    // (SQLITE_TRANSIENT), so the spans may be reused as soon as these return.
    public void Bind(int parameter, long value) => SqliteResult.Check(_db, raw.sqlite3_bind_int64(_statement, parameter, value));

    public void Bind(int parameter, ReadOnlySpan<byte> blob) => SqliteResult.Check(_db, raw.sqlite3_bind_blob(_statement, parameter, blob));

    public void BindText(int parameter, ReadOnlySpan<byte> utf8) => SqliteResult.Check(_db, raw.sqlite3_bind_text(_statement, parameter, utf8));

    /// <summary>Binds <paramref name="value"/> as UTF-8, encoded into one buffer that every bind reuses (SQLite copies it).</summary>
    public void BindText(int parameter, string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (length > _text.Length)
        {
            _text = new byte[Math.Max(length, _text.Length * 2)];
        }
        BindText(parameter, _text.AsSpan(0, Encoding.UTF8.GetBytes(value, _text)));
    }

    /// <summary>Runs the statement with its current bindings, which it expects to return no rows.</summary>
    public void Execute()
    {
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
}
