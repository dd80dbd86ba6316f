using Microsoft.Data.Sqlite;

namespace Journey.Cli.Exchange;

/// <summary>
/// A scratch SQLite file for an export's intermediate data (events grouped by journey, distinct objects):
/// on disk rather than in memory, so the size of the log does not bound the export. Deleted on dispose.
/// </summary>
internal sealed class TemporaryDatabase : IDisposable
{
    private readonly string path;

    public TemporaryDatabase(string folder)
    {
        Directory.CreateDirectory(folder);
        path = Path.Combine(folder, $".journey-export-{Guid.NewGuid():N}.tmp.db");
        Connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        Connection.Open();
        // Scratch data: nothing to recover after a crash, so no journal and no syncs.
        Execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = FILE; PRAGMA cache_size = -65536;");
    }

    public SqliteConnection Connection { get; }

    public void Execute(string sql, SqliteTransaction? transaction = null)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    public SqliteCommand Command(string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            command.Parameters.Add(name, type);
        }
        return command;
    }

    public void Dispose()
    {
        Connection.Dispose();
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A scratch file left behind is harmless; the export itself has its result.
        }
    }
}
