using Microsoft.Data.Sqlite;

namespace Journey.Server.Projections;

/// <summary>
/// Saves a projection's state together with its checkpoint, in one row, so a restart resumes exactly
/// where the saved state ends: nothing counted twice, nothing skipped. A local SQLite file in the data
/// directory; the projection can always be rebuilt from the log, so this is a cache, not a source of truth.
/// </summary>
public sealed class ProjectionSnapshotStore
{
    private readonly string connectionString;

    public ProjectionSnapshotStore(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS snapshots (
                name TEXT PRIMARY KEY,
                checkpoint INTEGER,
                saved_at TEXT NOT NULL,
                state BLOB NOT NULL);
            """;
        command.ExecuteNonQuery();
    }

    public async Task<byte[]?> LoadAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT state FROM snapshots WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async Task SaveAsync(string name, ulong? checkpoint, byte[] state, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA synchronous = FULL;
            INSERT INTO snapshots (name, checkpoint, saved_at, state) VALUES ($name, $checkpoint, $savedAt, $state)
            ON CONFLICT (name) DO UPDATE SET checkpoint = excluded.checkpoint, saved_at = excluded.saved_at, state = excluded.state;
            """;
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$checkpoint", checkpoint is { } c ? (long)c : DBNull.Value);
        command.Parameters.AddWithValue("$savedAt", DateTimeOffset.UtcNow.ToString("O"));
        command.Parameters.AddWithValue("$state", state);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM snapshots WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }
}
