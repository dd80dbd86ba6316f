namespace Journey.Storage.Sqlite;

/// <summary>One caller's append, waiting in the writer's queue until its transaction commits.</summary>
internal sealed class AppendRequest(string stream, ExpectedRevision expected, EventData[] events)
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private readonly TaskCompletionSource<AppendResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _registration;
    private int _state;

    public string Stream => stream;
    public ExpectedRevision Expected => expected;
    public EventData[] Events => events;
    public Task<AppendResult> Completion => _completion.Task;

    /// <summary>Lets the caller withdraw the request for as long as the writer has not taken it.</summary>
    public void CancelWith(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.Register(static (state, token) => ((AppendRequest)state!).TryCancel(token), this);
        }
    }

    /// <summary>Claims the request for a transaction; false when the caller cancelled it first.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    public void Complete(AppendResult result)
    {
        _registration.Unregister();
        _completion.TrySetResult(result);
    }

    public void Fail(Exception exception)
    {
        _registration.Unregister();
        _completion.TrySetException(exception);
    }

    private void TryCancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
        {
            _completion.TrySetCanceled(token);
        }
    }
}
