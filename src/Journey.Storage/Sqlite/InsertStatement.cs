using Microsoft.Data.Sqlite;

namespace Journey.Storage.Sqlite;

/// <summary>
/// The writer's INSERT of an event (a <see cref="RawStatement"/>): every stored event passes here. Runs inside
/// the writer's open transaction on the same connection.
/// </summary>
internal sealed class InsertStatement(SqliteConnection connection) : IDisposable
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

    private readonly RawStatement _statement = new(connection, $"INSERT INTO events ({SqliteSchema.InsertColumns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");

    /// <summary>Binds what all rows of one request share: its stream (name and number), and the commit time.</summary>
    public void BeginRequest(string stream, long streamId, long created)
    {
        _statement.BindText(Stream, stream);
        _statement.Bind(StreamId, streamId);
        _statement.Bind(Created, created);
    }

    public void Insert(long position, long revision, EventData e)
    {
        Span<byte> id = stackalloc byte[16];
        e.EventId.TryWriteBytes(id, bigEndian: true, out _);
        _statement.Bind(Position, position);
        _statement.Bind(Revision, revision);
        _statement.Bind(EventId, id);
        _statement.BindText(Type, e.Type);
        _statement.Bind(Data, e.Data.Span);
        _statement.Bind(Metadata, e.Metadata.Span);
        _statement.Execute();
    }

    public void Dispose() => _statement.Dispose();
}
