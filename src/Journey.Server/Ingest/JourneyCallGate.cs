namespace Journey.Server.Ingest;

/// <summary>
/// Bounds how many journey-grain calls ingest has outstanding at once, across every agency's calls
/// (<c>Journey:Limits:JourneyCallsInFlight</c>).
/// </summary>
/// <remarks>
/// A streamed batch of 500 events touches about 500 journeys, and each is a grain call whose completion,
/// once its commit is durable, is one more item in the thread pool's queue. With every batch in flight
/// fanned out at once, that queue held thousands of items, and each step of a process owner's query waited
/// behind all of them. With a bound the store still commits in groups as large as the bound, and a query
/// waits behind at most that many completions.
/// </remarks>
public sealed class JourneyCallGate
{
    private readonly SemaphoreSlim slots;

    public JourneyCallGate(int callsInFlight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(callsInFlight, 1);
        slots = new SemaphoreSlim(callsInFlight, callsInFlight);
        Limit = callsInFlight;
    }

    public int Limit { get; }

    /// <summary>Calls started and not yet ended.</summary>
    public int InFlight => Limit - slots.CurrentCount;

    /// <summary>
    /// Waits for a slot, then starts <paramref name="call"/>; its slot is free again when the call ends, whether
    /// it succeeds or fails. Cancelled while waiting, it starts nothing and holds no slot.
    /// </summary>
    public async Task<Task<T>> StartAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task<T> started;
        try
        {
            started = call();
        }
        catch
        {
            slots.Release();
            throw;
        }
        return ReleaseWhenDone(started);
    }

    private async Task<T> ReleaseWhenDone<T>(Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }
}
