using Microsoft.Data.Sqlite;

namespace Journey.Storage.Sqlite;

/// <summary>
/// Copies the write-ahead log back into the database file on a connection of its own, beside the writer.
/// </summary>
/// <remarks>
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold (1,000 pages), so the
/// single writer would stop appending to copy pages and sync the database file about once a transaction:
/// with random event ids every transaction dirties thousands of index pages, and that copy was most of the
/// writer's time. Here the writer only appends to the WAL (its automatic checkpoint is off) while this loop,
/// woken by commits and at most every <see cref="SqliteEventStoreOptions.CheckpointInterval"/>, runs
/// PASSIVE checkpoints that never block the writer or readers; a page changed by many transactions between
/// two checkpoints is copied once. Durability is the WAL's: a commit is synced there before it is
/// acknowledged, and a crash before a checkpoint only leaves more WAL to read.
/// <para>Once the WAL is longer than <see cref="SqliteEventStoreOptions.WalRestartBytes"/>, this loop asks the
/// writer (<see cref="WalRestart"/>) to run a RESTART checkpoint itself between two transactions, and runs no
/// checkpoint of its own until the writer has: a RESTART needs the write lock, which a writer under
/// continuous appends takes again the moment it lets go, so from this connection it almost never succeeded,
/// and the WAL grew to gigabytes. Every append then went to new blocks at the end of the file, which the
/// file system zeroes first (a tenth of the server's CPU during a long ingest), and the rebuild after a burst
/// read from a multi-gigabyte WAL. The writer's RESTART copies only what came after this loop's last PASSIVE
/// round, so it holds appends back briefly, and the writer's next transaction writes the WAL from its
/// beginning again, over blocks the file already has.</para>
/// <para>When no commit has come for <see cref="SqliteEventStoreOptions.IdleAfter"/>, a TRUNCATE checkpoint
/// empties the WAL file (readers are idle by then, so it rarely has to wait), and the store closes idle
/// read connections.</para>
/// </remarks>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly long _pageBytes;
    private readonly SqliteEventStoreOptions _options;
    private readonly CommitSignal _committed;
    private readonly Action _onIdle;
    private readonly WalRestart _restart;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _loop;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _checkpoints;

    /// <param name="onIdle">Called on the checkpointer's thread after the idle checkpoint, to release more memory.</param>
    public WalCheckpointer(SqliteConnection connection, SqliteEventStoreOptions options, CommitSignal committed, WalRestart restart, Action onIdle)
    {
        _onIdle = onIdle;
        _restart = restart;
        _connection = connection;
        _options = options;
        _committed = committed;
        _pageBytes = Convert.ToInt64(SqliteSchema.Scalar(connection, "PRAGMA page_size"), System.Globalization.CultureInfo.InvariantCulture);
        // The idle TRUNCATE waits for readers only briefly; when they stay, the next idle wait tries again.
        SqliteSchema.Execute(connection, $"PRAGMA busy_timeout = {(long)WalRestart.ReaderPatience.TotalMilliseconds}");
        // A thread of its own: a checkpoint blocks in SQLite (copying pages, syncing the file) for a while.
        _loop = new Thread(Loop) { IsBackground = true, Name = "Journey store checkpointer" };
        _loop.Start();
    }

    /// <summary>Checkpoints run so far; tests use it to see that the loop works.</summary>
    internal long Checkpoints => Interlocked.Read(ref _checkpoints);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _stopped.Task.ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private void Loop()
    {
        var stop = _stop.Token;
        try
        {
            // Commits since the WAL was last truncated.
            var dirty = false;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (!_committed.NextCommit.Wait(dirty ? _options.IdleAfterMilliseconds : Timeout.Infinite, stop))
                    {
                        dirty = !CheckpointIdle();
                        continue;
                    }
                    dirty = true;
                    // Let commits gather: each page is copied once however often it changed meanwhile.
                    if (stop.WaitHandle.WaitOne(_options.CheckpointInterval))
                    {
                        return;
                    }
                    Checkpoint();
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (SqliteException)
                {
                    // Busy with another process's checkpoint, or the disk refused for now: the WAL still holds
                    // every commit, and the next round copies what this one did not.
                }
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void Checkpoint()
    {
        if (_restart.IsRequested)
        {
            // The writer restarts the WAL after its next commit; a PASSIVE round now would only hold the
            // checkpoint lock its RESTART needs.
            return;
        }
        var (_, logFrames, _) = Run("PASSIVE");
        Interlocked.Increment(ref _checkpoints);
        if (logFrames >= 0 && logFrames * _pageBytes > _options.WalRestartBytes)
        {
            // Under continuous appends the writer always has a commit this round did not see, so it never
            // finds the WAL wholly copied and starting over is never SQLite's own idea.
            _restart.Request();
        }
    }

    /// <summary>
    /// No commit for a while: copies the whole WAL and truncates it, so a burst does not leave a WAL of
    /// gigabytes on disk, and lets go of memory. False when readers kept the WAL busy; the next idle wait retries.
    /// </summary>
    private bool CheckpointIdle()
    {
        var (busy, _, _) = Run("TRUNCATE");
        Interlocked.Increment(ref _checkpoints);
        if (!busy)
        {
            // Emptied: nothing left for the writer to start over.
            _restart.TryTake();
        }
        SqliteSchema.Execute(_connection, "PRAGMA shrink_memory");
        _onIdle();
        return !busy;
    }

    private (bool Busy, int LogFrames, int Copied) Run(string mode)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        using var reader = command.ExecuteReader();
        // One row: busy, frames in the WAL, frames copied into the database (-1, -1 when not in WAL mode).
        return reader.Read() ? (reader.GetInt32(0) != 0, reader.GetInt32(1), reader.GetInt32(2)) : (false, -1, -1);
    }
}
