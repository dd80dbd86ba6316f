namespace Journey.Cli.Benchmarks;

/// <summary>How much one <c>journey bench</c> run sends, and how.</summary>
public sealed record BenchmarkSettings
{
    /// <summary>Events streamed (and appended by the store baseline).</summary>
    public int Events { get; init; } = 1_000_000;

    /// <summary>Journeys those events belong to; the simulator gives about ten events per journey.</summary>
    public int Journeys { get; init; } = 100_000;

    /// <summary>Events sent one call each by the unary callers, for journeys of their own.</summary>
    public int UnaryEvents { get; init; } = 100_000;

    /// <summary>Concurrent unary callers.</summary>
    public int UnaryCallers { get; init; } = 64;

    /// <summary>Events per streamed batch.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>
    /// Streams at once. Each agency streams its own events (it may emit only as itself); an agency with
    /// more than its share is split into several streams, each journey's events kept in one of them.
    /// </summary>
    public int Streams { get; init; } = 8;

    /// <summary>Batches a stream has sent and not yet had acknowledged; the client's flow control.</summary>
    public int BatchesInFlight { get; init; } = 4;

    /// <summary>
    /// Pace of the live phase: events a second in all, streamed as they happen (the next step of journeys the backfill began)
    /// while a process owner queries. A tenth of <see cref="Events"/> are sent so.
    /// </summary>
    public double LiveEventsPerSecond { get; init; } = 5_000;

    /// <summary>Events per batch in the live phase: what an agency's system has to send in a few tens of milliseconds.</summary>
    public int LiveBatchSize { get; init; } = 20;

    /// <summary>Concurrent appenders of the store baseline, as many grains append at once in the server.</summary>
    public int BaselineAppenders { get; init; } = 512;

    /// <summary>Rebuilds from position zero, one after another; the median is the figure.</summary>
    public int Rebuilds { get; init; } = 3;

    /// <summary>Pause between two lead-time queries while ingest runs.</summary>
    public TimeSpan QueryInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest wait for the server's memory to settle after the run before it is measured.</summary>
    public TimeSpan MemorySettleLimit { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Seed of the simulated journeys: the same seed sends the same events.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Where the temporary stores go; a fresh folder under the system's temp folder when null.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Keep the temporary stores and the server's log after the run.</summary>
    public bool Keep { get; init; }

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Events, 1, nameof(Events));
        ArgumentOutOfRangeException.ThrowIfLessThan(Journeys, 1, nameof(Journeys));
        ArgumentOutOfRangeException.ThrowIfLessThan(UnaryEvents, 0, nameof(UnaryEvents));
        ArgumentOutOfRangeException.ThrowIfLessThan(UnaryCallers, 1, nameof(UnaryCallers));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Streams, 1, nameof(Streams));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchesInFlight, 1, nameof(BatchesInFlight));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LiveEventsPerSecond, 0, nameof(LiveEventsPerSecond));
        ArgumentOutOfRangeException.ThrowIfLessThan(LiveBatchSize, 1, nameof(LiveBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(BaselineAppenders, 1, nameof(BaselineAppenders));
        ArgumentOutOfRangeException.ThrowIfLessThan(Rebuilds, 1, nameof(Rebuilds));
        ArgumentOutOfRangeException.ThrowIfLessThan(MemorySettleLimit, TimeSpan.Zero, nameof(MemorySettleLimit));
    }
}
