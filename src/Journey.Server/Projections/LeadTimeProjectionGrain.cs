using System.Diagnostics;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using Journey.Server.Hosting;
using Journey.Server.Queries;
using Journey.Storage;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Journey.Server.Projections;

/// <summary>
/// The lead-time projection, live. One activation in the whole cluster (Orleans guarantees it), so
/// more silos can join without two of them folding the same log.
/// </summary>
[Alias("journey.ILeadTimeProjectionGrain")]
public interface ILeadTimeProjectionGrain : IGrainWithStringKey
{
    /// <summary>Activates the projection if it is not running; returns how far it has read.</summary>
    [Alias("EnsureRunning")]
    Task<ProjectionStatus> EnsureRunningAsync();

    /// <summary>
    /// The figures as of the projection's checkpoint: the last report made, at once, while it is younger than
    /// two refresh intervals; an older one behind the fold is made again first.
    /// </summary>
    [AlwaysInterleave, Alias("GetReport")]
    Task<LeadTimeReport> GetReportAsync();

    /// <summary>
    /// The figures as of the projection's checkpoint at the time of the call, computed for it (slower than
    /// <see cref="GetReportAsync"/>, which may be a moment old); later queries get them too.
    /// </summary>
    [AlwaysInterleave, Alias("GetCurrentReport")]
    Task<LeadTimeReport> GetCurrentReportAsync();

    /// <summary>
    /// The figures restricted to a journey type, period and agency (<see cref="LeadTimeProjection.Report(LeadTimeFilter)"/>);
    /// the caller validates the filter's months.
    /// </summary>
    [AlwaysInterleave, Alias("Query")]
    Task<LeadTimeReport> QueryAsync(LeadTimeFilter filter);

    /// <summary>Lets go of what filtered queries are served from (<see cref="LeadTimeProjection.ReleaseCaches"/>); for a quiet server.</summary>
    [AlwaysInterleave, Alias("ReleaseCaches")]
    Task ReleaseCachesAsync();
}

[GenerateSerializer, Immutable, Alias("journey.ProjectionStatus.v1")]
public sealed record ProjectionStatus([property: Id(0)] ulong? Checkpoint, [property: Id(1)] long EventsApplied);

[CollectionAgeLimit(AlwaysActive = true)]
internal sealed partial class LeadTimeProjectionGrain(
    IEventStore store,
    JourneyCatalog catalog,
    ProjectionSnapshotStore snapshots,
    LeadTimesResponses responses,
    IOptions<JourneyOptions> options,
    ILogger<LeadTimeProjectionGrain> logger) : Grain, ILeadTimeProjectionGrain
{
    public const string Key = "lead-times";

    // Drain in slices of a millisecond or two, so a query never waits long for the grain's turn.
    private const int EventsPerTurn = 2_000;
    private static readonly TimeSpan DrainPeriod = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan CatchUpWait = TimeSpan.FromMilliseconds(50);

    // A report folds again the journeys of every month in which a journey changed: while a backfill touches every
    // month, that is all 100,000 journeys and hundreds of milliseconds of a core. It is computed off the
    // grain's turn, at most this often and for at most a tenth of the time, while queries get the last one
    // (with the checkpoint it is as of). Computed for up to half the time, it took 7% of the server's CPU
    // during the bench's bulk ingest, CPU the ingest needed.
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(1);
    private const int RefreshTimeShare = 10;

    // The log after the projection's checkpoint, read on a task of its own in chunks of stored bytes, folded
    // on the grain's turn as a rebuild folds them (only the fields the fold reads are decoded).
    private ProjectionFeed feed = null!;
    private readonly CancellationTokenSource stopping = new();
    private LeadTimeProjection projection = new(catalog);
    private Task pump = Task.CompletedTask;
    // Replaced by the state at activation before any query can arrive.
    private LeadTimeReport report = new(null, []);
    // The fold (on the turn, in slices) and reads of the projection (off the turn) take turns: the
    // projection is not safe to read and write at once. This is whichever of them runs or ran last.
    private Task exclusive = Task.CompletedTask;
    private Task refreshing = Task.CompletedTask;
    private long lastRefresh;
    private TimeSpan lastRefreshTook;
    // When the fold's state in the current report was taken.
    private long reportTakenAt = Stopwatch.GetTimestamp();
    private long savedEvents = -1;
    private DateTimeOffset lastSaved = DateTimeOffset.UtcNow;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var snapshot = await snapshots.LoadAsync(Key, cancellationToken);
        if (snapshot is not null)
        {
            try
            {
                projection = LeadTimeProjection.FromSnapshot(catalog, snapshot);
                savedEvents = projection.EventsApplied;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A snapshot from an older format or a changed catalog: the log is the truth, fold it again.
                LogSnapshotUnusable(ex);
                projection = new LeadTimeProjection(catalog);
            }
        }
        LogStarting(projection.Checkpoint, projection.EventsApplied);
        // The first query must not wait: the state at activation (a snapshot, or nothing) is reported now.
        report = projection.Report();
        reportTakenAt = Stopwatch.GetTimestamp();
        var from = projection.Checkpoint;
        feed = new ProjectionFeed(store, logger);
        pump = Task.Run(() => feed.RunAsync(from, stopping.Token), CancellationToken.None);
        this.RegisterGrainTimer(DrainAsync, new GrainTimerCreationOptions(DrainPeriod, DrainPeriod) { Interleave = true });
        await base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        try
        {
            await pump;
        }
        catch (OperationCanceledException)
        {
        }
        await exclusive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        await DrainAsync(cancellationToken);
        await SaveAsync(cancellationToken);
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task<ProjectionStatus> EnsureRunningAsync() =>
        Task.FromResult(new ProjectionStatus(projection.Checkpoint, projection.EventsApplied));

    /// <remarks>
    /// Answers at once with the last report. When the fold has moved on since, a fresh one is computed off
    /// the grain's turn for the queries after this one — while queries keep coming, at most one refresh
    /// interval (and a report's making) late. After a quiet spell the last report may be from before a whole
    /// burst: one older than two intervals is made again before it is answered, so a process owner who asks
    /// once after an import sees the import. That first query after a quiet spell waits for the report's making,
    /// which after the quiet spell's release starts from scratch (0.2 s at 30,000 journeys, 0.7–0.9 s at 110,000, on
    /// two cores): answering the quiet spell's report at once instead, while the first events of new traffic are
    /// folded, cannot be told apart from answering one without a short import that has just ended.
    /// </remarks>
    public async Task<LeadTimeReport> GetReportAsync()
    {
        if (report.Checkpoint == projection.Checkpoint)
        {
            return report;
        }
        if (refreshing.IsCompleted && Stopwatch.GetElapsedTime(lastRefresh) >= RefreshInterval)
        {
            refreshing = RefreshAsync();
        }
        if (Stopwatch.GetElapsedTime(reportTakenAt) > MaxReportAge)
        {
            await refreshing;
        }
        return report;
    }

    public async Task<LeadTimeReport> GetCurrentReportAsync()
    {
        var taken = Stopwatch.GetTimestamp();
        var current = await ReadAsync(p => p.Report());
        // Reads of the projection take turns with each other and with the fold, so nothing newer can have
        // been reported meanwhile.
        (report, reportTakenAt) = (current, taken);
        return current;
    }

    /// <remarks>A filtered report is computed for the query, off the grain's turn.</remarks>
    public Task<LeadTimeReport> QueryAsync(LeadTimeFilter filter) =>
        filter == LeadTimeFilter.All ? GetReportAsync() : ReadAsync(p => p.Report(filter));

    public Task ReleaseCachesAsync() => ReadAsync(p =>
    {
        p.ReleaseCaches();
        return true;
    });

    private TimeSpan RefreshInterval => RefreshIntervalAfter(lastRefreshTook);

    /// <summary>The oldest report answered without making a fresh one first, when the fold has moved on since.</summary>
    internal TimeSpan MaxReportAge => RefreshInterval * 2;

    /// <summary>How long after starting a refresh that took <paramref name="took"/> the next may start.</summary>
    internal static TimeSpan RefreshIntervalAfter(TimeSpan took) =>
        took * RefreshTimeShare > MinRefreshInterval ? took * RefreshTimeShare : MinRefreshInterval;

    private async Task RefreshAsync()
    {
        var started = lastRefresh = Stopwatch.GetTimestamp();
        try
        {
            var fresh = await ReadAsync(p => p.Report());
            // The answer's form and bytes are made here, off the grain's turn and beside the fold, rather than by the
            // first query to meet the report: ~3 ms at 30,000 journeys, up to tens under load, once a second.
            await Task.Run(() => responses.Prepare(fresh));
            lastRefreshTook = Stopwatch.GetElapsedTime(started);
            (report, reportTakenAt) = (fresh, started);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReportFailed(ex);
        }
    }

    /// <summary>Runs <paramref name="read"/> on the thread pool once the fold (or another read) is done; the fold waits meanwhile.</summary>
    private async Task<T> ReadAsync<T>(Func<LeadTimeProjection, T> read)
    {
        // Back on the grain's turn after each wait, so checking and claiming happen in one step.
        while (!exclusive.IsCompleted)
        {
            await exclusive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }
        var state = projection;
        var task = Task.Run(() => read(state));
        exclusive = task;
        return await task;
    }

    private Task DrainAsync(CancellationToken cancellationToken)
    {
        if (!exclusive.IsCompleted)
        {
            // A read of the projection is under way; the next tick folds what has arrived meanwhile.
            return Task.CompletedTask;
        }
        var drain = DrainSlicesAsync(cancellationToken);
        exclusive = drain;
        return drain;
    }

    private async Task DrainSlicesAsync(CancellationToken cancellationToken)
    {
        var applied = 0;
        while (true)
        {
            if (!feed.TryTake(out var chunk))
            {
                // Behind the log (a restart's backlog): fold the next chunk as soon as it is read rather than
                // at the next tick, or the timer, not the reading, would set the pace of the catch-up.
                if (feed.CatchingUp && await feed.WaitToTakeAsync(CatchUpWait, cancellationToken))
                {
                    continue;
                }
                break;
            }
            for (var i = 0; i < chunk.Count; i++)
            {
                try
                {
                    chunk.Apply(i, projection);
                }
                catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException)
                {
                    LogUndecodable(ex, chunk.PositionAt(i));
                }
                if (++applied == EventsPerTurn)
                {
                    // Let queries in between slices; the rest follows in this same tick.
                    applied = 0;
                    await Task.Yield();
                }
            }
            feed.Return(chunk);
        }
        if (projection.EventsApplied != savedEvents && DateTimeOffset.UtcNow - lastSaved >= options.Value.Projections.SnapshotInterval)
        {
            await SaveAsync(cancellationToken);
        }
    }

    /// <remarks>
    /// Called where no fold can run (inside a drain, or at deactivation after the last one). The snapshot is
    /// made and written on the thread pool, off the grain's turn: for 100,000 journeys that is a good part of
    /// a core for tens of milliseconds plus a synced write of megabytes, and a query (which interleaves) would
    /// otherwise wait for all of it. Queries only read the projection meanwhile.
    /// </remarks>
    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (projection.EventsApplied == savedEvents)
        {
            return;
        }
        var state = projection;
        var (checkpoint, applied) = (state.Checkpoint, state.EventsApplied);
        await Task.Run(() => snapshots.SaveAsync(Key, checkpoint, state.ToSnapshot(), cancellationToken), cancellationToken);
        savedEvents = applied;
        lastSaved = DateTimeOffset.UtcNow;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lead-time projection starting after position {Checkpoint} with {Events} events applied")]
    private partial void LogStarting(ulong? checkpoint, long events);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The saved lead-time snapshot cannot be used; rebuilding from the log")]
    private partial void LogSnapshotUnusable(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event at position {Position} cannot be decoded; skipped")]
    private partial void LogUndecodable(Exception exception, ulong position);

    [LoggerMessage(Level = LogLevel.Error, Message = "The lead-time report could not be refreshed; queries get the previous one")]
    private partial void LogReportFailed(Exception exception);
}
