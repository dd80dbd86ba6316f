namespace Journey.Storage.Sqlite;

/// <summary>Wakes live subscriptions and the checkpointer in this process as soon as the writer commits (an append, or a slice of an index).</summary>
internal sealed class CommitSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next commit. Take it before reading, so a commit during the read is not missed.</summary>
    public Task NextCommit => Volatile.Read(ref _next).Task;

    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
