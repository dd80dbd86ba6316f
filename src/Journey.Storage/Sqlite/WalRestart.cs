namespace Journey.Storage.Sqlite;

/// <summary>
/// The checkpointer's request that the writer start the WAL over: only the writer can, between two of its
/// own transactions (see <see cref="WalCheckpointer"/>).
/// </summary>
internal sealed class WalRestart
{
    /// <summary>
    /// How long a RESTART or TRUNCATE checkpoint waits for readers still on the WAL: it holds appends back
    /// meanwhile, so when readers stay it gives up (having copied what it could) and the next round tries again.
    /// </summary>
    public static readonly TimeSpan ReaderPatience = TimeSpan.FromMilliseconds(50);

    private int _requested;

    /// <summary>Set by the checkpointer once the WAL has grown past its limit.</summary>
    public void Request() => Volatile.Write(ref _requested, 1);

    public bool IsRequested => Volatile.Read(ref _requested) != 0;

    /// <summary>True once per request: the caller is the one to act on it.</summary>
    public bool TryTake() => Interlocked.Exchange(ref _requested, 0) != 0;
}
