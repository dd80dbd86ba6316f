using System.Text;
using Journey.Cli.Simulation;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using Journey.Domain.Privacy;
using Journey.Server.Hosting;
using Journey.Server.Ingest;
using Journey.Server.Projections;
using Journey.Storage;
using Journey.Storage.Sqlite;
using Journey.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Journey.Server.Tests.HotPath;

/// <summary>
/// The rebuild's fold (<see cref="ProjectionReplay"/>) and the live projection's feed (<see cref="ProjectionFeed"/>) on a
/// real SQLite file, through the store's bulk scan and through plain <c>ReadAllAsync</c> or the catch-up
/// subscription (as on a store without the scan): the projection must end up exactly as a plain loop over the log leaves it, also across page boundaries, for any range, beside streams that are not
/// journeys and events of other types in journey streams.
/// </summary>
public sealed class ProjectionReplayTests : IAsyncLifetime
{
    private static readonly JourneyCatalog Catalog = CatalogLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "catalog"));

    private readonly string _folder = Directory.CreateTempSubdirectory("journey-replay-").FullName;
    private SqliteEventStore? _store;

    private SqliteEventStore Store => _store ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        _store = await SqliteEventStore.OpenAsync(Path.Combine(_folder, "events.db"));
        var validator = new EventValidator(Catalog, new Pseudonymiser(PseudonymKey.Generate("replay")), Options.Create(new JourneyOptions()), TimeProvider.System);
        var journeys = new List<List<JourneyEvent>>();
        foreach (var sent in new JourneySimulator(Catalog, seed: 5).Generate(120))
        {
            Assert.True(validator.TryValidate(sent, out var valid, out _));
            if (journeys.Count == 0 || journeys[^1][0].JourneyId != valid!.JourneyId)
            {
                journeys.Add([]);
            }
            journeys[^1].Add(valid!);
        }
        // Journeys appended a few events at a time, interleaved, between audit records and events of other
        // types in journey streams, as agencies' batches and the server's own writes land in a real log.
        var random = new Random(6);
        var next = new int[journeys.Count];
        for (var round = 0; next.Where((n, j) => n < journeys[j].Count).Any(); round++)
        {
            for (var j = 0; j < journeys.Count; j++)
            {
                var take = journeys[j].Skip(next[j]).Take(random.Next(1, 4)).ToList();
                if (take.Count == 0)
                {
                    continue;
                }
                next[j] += take.Count;
                var stream = take[0].JourneyId.StreamName;
                await Store.AppendAsync(stream, ExpectedRevision.Any, [.. take.Select(e => new EventData(e.EventId, JourneyEventJson.EventType, JourneyEventJson.Serialize(e), "{}"u8.ToArray()))]);
                if (random.Next(10) == 0)
                {
                    await Store.AppendAsync(stream, ExpectedRevision.Any, [new EventData(Guid.NewGuid(), "JourneyNoteAdded", """{"note":"not a journey event"}"""u8.ToArray(), "{}"u8.ToArray())]);
                }
                if (random.Next(7) == 0)
                {
                    await Store.AppendAsync($"audit-{round}", ExpectedRevision.Any, [new EventData(Guid.NewGuid(), JourneyEventJson.EventType, JourneyEventJson.Serialize(take[0]), "{}"u8.ToArray())]);
                }
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 37)]
    [InlineData(true, 8_192)]
    [InlineData(false, 37)]
    [InlineData(false, 8_192)]
    public async Task the_whole_log_folds_as_a_plain_loop_folds_it(bool scan, int chunkEvents)
    {
        var log = await LogAsync();
        var (expected, expectedEvents) = PlainLoop(log, after: 0, until: log[^1].Position);
        var projection = new LeadTimeProjection(Catalog);

        var events = await ProjectionReplay.FoldAsync(Source(scan), projection, null, log[^1].Position, (_, _) => Task.CompletedTask, long.MaxValue, chunkEvents, CancellationToken.None);

        Assert.Equal(expectedEvents, events);
        AssertSame(expected, projection);
        Assert.Contains(log, e => e.Type != JourneyEventJson.EventType && e.Stream.StartsWith("journey-", StringComparison.Ordinal));
        Assert.Contains(log, e => !e.Stream.StartsWith("journey-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task a_range_folds_only_its_own_events(bool scan)
    {
        var log = await LogAsync();
        var after = log[log.Count / 5].Position;
        var until = log[log.Count * 3 / 5].Position;
        var (expected, expectedEvents) = PlainLoop(log, after, until);
        var projection = new LeadTimeProjection(Catalog);

        var events = await ProjectionReplay.FoldAsync(Source(scan), projection, after, until, (_, _) => Task.CompletedTask, long.MaxValue, 50, CancellationToken.None);

        Assert.Equal(expectedEvents, events);
        AssertSame(expected, projection);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task progress_is_told_in_log_order_with_the_events_read_so_far(bool scan)
    {
        var log = await LogAsync();
        var reported = new List<(ulong Position, long Events)>();

        var events = await ProjectionReplay.FoldAsync(
            Source(scan),
            new LeadTimeProjection(Catalog),
            null,
            log[^1].Position,
            (position, count) =>
            {
                reported.Add((position, count));
                return Task.CompletedTask;
            },
            progressEvery: 100,
            chunkEvents: 64,
            CancellationToken.None);

        Assert.NotEmpty(reported);
        Assert.Equal(reported.OrderBy(r => r.Position), reported);
        Assert.All(reported, r => Assert.Equal(PlainLoop(log, 0, r.Position).Events, r.Events));
        Assert.True(reported[^1].Events <= events);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task escaped_values_fold_as_a_plain_loop_folds_them_and_an_undecodable_event_stops_the_fold_where_it_stands(bool scan)
    {
        var sample = (await LogAsync()).Last(e => e.Type == JourneyEventJson.EventType && e.Stream.StartsWith("journey-", StringComparison.Ordinal));
        // The decoder hands back escaped values as bytes of its own rather than slices of the stored event.
        var escaped = Encoding.UTF8.GetBytes(EscapeFirstLetter(EscapeFirstLetter(EscapeFirstLetter(Encoding.UTF8.GetString(sample.Data.Span), "journeyType"), "activity"), "subject"));
        var (original, copy) = (JourneyEventJson.Deserialize(sample.Data.Span), JourneyEventJson.Deserialize(escaped));
        Assert.Equal((original.JourneyType, original.Activity, original.Subject), (copy.JourneyType, copy.Activity, copy.Subject));
        Assert.Contains("\\u", Encoding.UTF8.GetString(escaped), StringComparison.Ordinal);
        await Store.AppendAsync(sample.Stream, ExpectedRevision.Any, [new EventData(Guid.NewGuid(), JourneyEventJson.EventType, escaped, "{}"u8.ToArray())]);
        var bad = await Store.AppendAsync(sample.Stream, ExpectedRevision.Any, [new EventData(Guid.NewGuid(), JourneyEventJson.EventType, """{"eventId":"""u8.ToArray(), "{}"u8.ToArray())]);
        await Store.AppendAsync(sample.Stream, ExpectedRevision.Any, [new EventData(Guid.NewGuid(), JourneyEventJson.EventType, sample.Data.ToArray(), "{}"u8.ToArray())]);
        var log = await LogAsync();
        var projection = new LeadTimeProjection(Catalog);

        await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(() =>
            ProjectionReplay.FoldAsync(Source(scan), projection, null, log[^1].Position, (_, _) => Task.CompletedTask, long.MaxValue, chunkEvents: 37, CancellationToken.None));

        // Everything before the undecodable event is folded, the escaped copy included; nothing after it.
        AssertSame(PlainLoop(log, after: 0, until: bad.Positions[0] - 1).Projection, projection);
    }

    private static string EscapeFirstLetter(string json, string field)
    {
        var marker = $"\"{field}\":\"";
        var at = json.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        Assert.True(at >= marker.Length, $"no {field} in {json}");
        return string.Concat(json.AsSpan(0, at), $"\\u{(int)json[at]:x4}", json.AsSpan(at + 1));
    }

    [Fact]
    public async Task a_fold_that_fails_stops_the_reading_and_reports_the_failure()
    {
        var log = await LogAsync();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ProjectionReplay.FoldAsync(
            Store,
            new LeadTimeProjection(Catalog),
            null,
            log[^1].Position,
            (_, _) => throw new InvalidOperationException("The caller went away."),
            progressEvery: 10,
            chunkEvents: 16,
            CancellationToken.None));

        Assert.Equal("The caller went away.", failure.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task the_live_feed_hands_over_the_log_then_each_append_once_in_log_order(bool scan)
    {
        var log = await LogAsync();
        var feed = new ProjectionFeed(Source(scan), NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = feed.RunAsync(null, stop.Token);
        var projection = new LeadTimeProjection(Catalog);
        var handed = new List<ulong>();
        await FoldFeedAsync(feed, projection, handed, until: log[^1].Position);

        // Appended while it follows: a journey's next event, an audit record, another event of the journey.
        var sample = log.Last(e => e.Type == JourneyEventJson.EventType && e.Stream.StartsWith("journey-", StringComparison.Ordinal));
        await Store.AppendAsync(sample.Stream, ExpectedRevision.Any, [new EventData(Guid.NewGuid(), JourneyEventJson.EventType, sample.Data.ToArray(), "{}"u8.ToArray())]);
        await Store.AppendAsync("audit-late", ExpectedRevision.Any, [new EventData(Guid.NewGuid(), JourneyEventJson.EventType, sample.Data.ToArray(), "{}"u8.ToArray())]);
        var last = await Store.AppendAsync(sample.Stream, ExpectedRevision.Any, [new EventData(Guid.NewGuid(), "JourneyNoteAdded", """{"note":"late"}"""u8.ToArray(), "{}"u8.ToArray())]);
        await FoldFeedAsync(feed, projection, handed, until: last.Positions[0]);
        await stop.CancelAsync();
        await running;

        log = await LogAsync();
        Assert.Equal(log.Where(e => e.Stream.StartsWith("journey-", StringComparison.Ordinal)).Select(e => e.Position), handed);
        AssertSame(PlainLoop(log, after: 0, until: log[^1].Position).Projection, projection);
    }

    [Fact]
    public async Task a_live_feed_whose_store_fails_says_so_and_resumes_after_the_last_event_it_handed_over()
    {
        var log = await LogAsync();
        var failing = new FailingOnce(Store, afterEvents: log.Count / 2);
        using var logs = new CapturedLogs();
        var feed = new ProjectionFeed(failing, logs.CreateLogger("feed"));
        using var stop = new CancellationTokenSource();
        var running = feed.RunAsync(null, stop.Token);
        var projection = new LeadTimeProjection(Catalog);
        var handed = new List<ulong>();

        await FoldFeedAsync(feed, projection, handed, until: log[^1].Position);
        await stop.CancelAsync();
        await running;

        Assert.Equal(2, failing.Subscriptions);
        Assert.Contains(logs.Entries, m => m.Contains("resuming", StringComparison.Ordinal));
        Assert.Equal(log.Where(e => e.Stream.StartsWith("journey-", StringComparison.Ordinal)).Select(e => e.Position), handed);
        AssertSame(PlainLoop(log, after: 0, until: log[^1].Position).Projection, projection);
    }

    [Fact]
    public async Task a_live_feed_whose_store_closes_waits_quietly_until_it_is_stopped()
    {
        var log = await LogAsync();
        using var logs = new CapturedLogs();
        var feed = new ProjectionFeed(Store, logs.CreateLogger("feed"));
        using var stop = new CancellationTokenSource();
        var running = feed.RunAsync(null, stop.Token);
        await FoldFeedAsync(feed, new LeadTimeProjection(Catalog), [], until: log[^1].Position);

        await Store.DisposeAsync();
        await Task.Delay(300);
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.DoesNotContain(logs.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) || e.StartsWith("Error", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Contains("The store closed", StringComparison.Ordinal));
    }

    /// <summary>Folds what the feed hands over, as the live grain does, until it has handed over <paramref name="until"/>.</summary>
    private static async Task FoldFeedAsync(ProjectionFeed feed, LeadTimeProjection projection, List<ulong> handed, ulong until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (handed.Count == 0 || handed[^1] < until)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the feed handed over up to {(handed.Count == 0 ? "nothing" : handed[^1])}, not {until}");
            if (!feed.TryTake(out var chunk))
            {
                await Task.Delay(5);
                continue;
            }
            for (var i = 0; i < chunk.Count; i++)
            {
                handed.Add(chunk.PositionAt(i));
            }
            chunk.FoldInto(projection);
            feed.Return(chunk);
        }
    }

    private IEventStore Source(bool scan) => scan ? Store : new WithoutScan(Store);

    private async Task<List<RecordedEvent>> LogAsync()
    {
        var log = new List<RecordedEvent>();
        await foreach (var e in Store.ReadAllAsync(ReadDirection.Forwards))
        {
            log.Add(e);
        }
        return log;
    }

    /// <summary>What the fold must match: each journey event of a journey stream in the range, applied in log order.</summary>
    private static (LeadTimeProjection Projection, long Events) PlainLoop(List<RecordedEvent> log, ulong after, ulong until)
    {
        var projection = new LeadTimeProjection(Catalog);
        long events = 0;
        foreach (var e in log.Where(e => e.Position > after && e.Position <= until && e.Stream.StartsWith("journey-", StringComparison.Ordinal)))
        {
            events++;
            if (e.Type == JourneyEventJson.EventType)
            {
                projection.Apply(e.Position, JourneyEventJson.Deserialize(e.Data.Span));
            }
        }
        return (projection, events);
    }

    private static void AssertSame(LeadTimeProjection expected, LeadTimeProjection actual)
    {
        Assert.Equal(expected.Checkpoint, actual.Checkpoint);
        Assert.Equal(expected.EventsApplied, actual.EventsApplied);
        Assert.Equal(expected.EventsIgnored, actual.EventsIgnored);
        Assert.Equal(expected.Journeys, actual.Journeys);
        // The snapshot holds every journey's timeline in order: equal bytes, equal state.
        Assert.Equal(expected.ToSnapshot(), actual.ToSnapshot());
        Assert.Empty(expected.Report().DifferencesFrom(actual.Report()));
    }

    /// <summary>A store without the bulk scan whose first subscription fails halfway through the log.</summary>
    private sealed class FailingOnce(IEventStore inner, int afterEvents) : WithoutScan(inner)
    {
        public int Subscriptions { get; private set; }

        public override async IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(ulong? after, StreamFilter? filter = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var fails = ++Subscriptions == 1;
            var events = 0;
            await foreach (var message in base.SubscribeToAllAsync(after, filter, cancellationToken))
            {
                if (fails && message is EventAppeared && ++events > afterEvents)
                {
                    throw new IOException("The connection to the store was lost.");
                }
                yield return message;
            }
        }
    }

    /// <summary>The same store seen only through <see cref="IEventStore"/>, as a store without the bulk scan is.</summary>
    private class WithoutScan(IEventStore inner) : IEventStore
    {
        public Task<AppendResult> AppendAsync(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(stream, expected, events, cancellationToken);

        public IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string stream, ReadDirection direction, ulong? fromRevision = null, long maxCount = long.MaxValue, CancellationToken cancellationToken = default) =>
            inner.ReadStreamAsync(stream, direction, fromRevision, maxCount, cancellationToken);

        public IAsyncEnumerable<RecordedEvent> ReadAllAsync(ReadDirection direction, ulong? after = null, long maxCount = long.MaxValue, StreamFilter? filter = null, CancellationToken cancellationToken = default) =>
            inner.ReadAllAsync(direction, after, maxCount, filter, cancellationToken);

        public virtual IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(ulong? after, StreamFilter? filter = null, CancellationToken cancellationToken = default) =>
            inner.SubscribeToAllAsync(after, filter, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
