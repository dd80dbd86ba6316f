using System.Text;
using Journey.Storage.Sqlite;
using static Journey.Storage.Tests.StoreTestKit;

namespace Journey.Storage.Tests.Sqlite;

/// <summary>
/// The bulk scan (<see cref="IEventLogScan"/>, <see cref="SqliteLogScanner"/>) of the embedded store against its own <c>ReadAllAsync</c>:
/// a rebuild may use either, so they must hand over the same events, in the same order, with the same bytes.
/// </summary>
public sealed class SqliteLogScanTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("journey-scan-").FullName;
    private SqliteEventStore? _store;
    private string _prefix = "";

    private SqliteEventStore Store => _store ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        _store = await SqliteEventStore.OpenAsync(Path.Combine(_folder, "events.db"), new SqliteEventStoreOptions { ReadPageSize = 7 });
        _prefix = NewPrefix();
        // Streams that match the filter interleaved with streams that do not, and two event types, as in a real log.
        for (var i = 0; i < 12; i++)
        {
            await Store.AppendAsync($"{_prefix}-match-{i % 4}", ExpectedRevision.Any, Events(1 + (i % 3), i % 5 == 0 ? "other.happened" : "conformance.happened"));
            await Store.AppendAsync($"x{_prefix}-{i}", ExpectedRevision.Any, Events(2));
            await Store.AppendAsync($"{_prefix}-other-{i}", ExpectedRevision.Any, Events(1));
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
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(1000)]
    public async Task scanning_page_after_page_yields_exactly_what_reading_all_yields(int pageSize)
    {
        var filter = StreamFilter.Prefix($"{_prefix}-match-", $"{_prefix}-other-");
        var expected = await ReadAllAsync(after: null, until: ulong.MaxValue, filter);

        var scanned = ScanAll(after: null, until: ulong.MaxValue, pageSize, filter);

        Assert.Equal(expected, scanned);
        Assert.Contains(scanned, e => e.Type == "other.happened");
    }

    [Fact]
    public async Task a_scan_without_a_filter_sees_every_stream()
    {
        var expected = await ReadAllAsync(after: null, until: ulong.MaxValue, filter: null);

        Assert.Equal(expected, ScanAll(after: null, until: ulong.MaxValue, pageSize: 4, filter: null));
    }

    [Fact]
    public async Task a_range_is_exclusive_of_its_start_and_inclusive_of_its_end()
    {
        var filter = StreamFilter.Prefix($"{_prefix}-match-");
        var all = await ReadAllAsync(after: null, until: ulong.MaxValue, filter);
        var after = all[3].Position;
        var until = all[^4].Position;

        var scanned = ScanAll(after, until, pageSize: 3, filter);

        Assert.Equal(all.Where(e => e.Position > after && e.Position <= until).ToList(), scanned);
        Assert.Equal(all[4], scanned[0]);
        Assert.Equal(all[^4], scanned[^1]);
    }

    [Fact]
    public void a_page_counts_the_events_it_looked_at_also_when_the_filter_skips_them()
    {
        var visitor = new Collector();
        using var scanner = Store.OpenScanner();

        var page = scanner.ScanForwards(null, ulong.MaxValue, 50, StreamFilter.Prefix(NewPrefix()), visitor);

        Assert.Equal(50, page.Scanned);
        Assert.NotNull(page.LastScanned);
        Assert.Empty(visitor.Events);
    }

    [Fact]
    public void an_empty_range_looks_at_nothing()
    {
        var visitor = new Collector();
        using var scanner = Store.OpenScanner();

        var beyond = scanner.ScanForwards(ulong.MaxValue - 1, ulong.MaxValue, 10, null, visitor);
        var reversed = scanner.ScanForwards(10, 5, 10, null, visitor);

        Assert.Equal(new LogScanPage(0, null), beyond);
        Assert.Equal(new LogScanPage(0, null), reversed);
        Assert.Empty(visitor.Events);
    }

    [Fact]
    public async Task a_visitor_that_fails_ends_the_scan_and_the_store_reads_on()
    {
        var failing = new Failing(after: 3);
        using var scanner = Store.OpenScanner();

        Assert.Throws<InvalidOperationException>(() => scanner.ScanForwards(null, ulong.MaxValue, 100, null, failing));

        // The statement was reset: the next scan on the same connection starts afresh.
        var expected = await ReadAllAsync(after: null, until: ulong.MaxValue, filter: null);
        Assert.Equal(expected, ScanAll(after: null, until: ulong.MaxValue, pageSize: 100, filter: null, scanner));
    }

    [Fact]
    public async Task each_page_sees_what_was_committed_before_it_began()
    {
        using var scanner = Store.OpenScanner();
        var first = new Collector();
        var page = scanner.ScanForwards(null, ulong.MaxValue, 1_000, null, first);

        var appended = await Store.AppendAsync($"{_prefix}-late", ExpectedRevision.NoStream, Events(2));

        var next = new Collector();
        scanner.ScanForwards(page.LastScanned, ulong.MaxValue, 1_000, null, next);
        Assert.Equal(appended.Positions, next.Events.Select(e => e.Position));
    }

    [Fact]
    public async Task a_disposed_store_refuses_to_scan_and_to_open_a_scanner()
    {
        using var scanner = Store.OpenScanner();

        await Store.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => scanner.ScanForwards(null, ulong.MaxValue, 10, null, new Collector()));
        Assert.Throws<ObjectDisposedException>(() => Store.OpenScanner());
    }

    [Fact]
    public void a_disposed_scanner_refuses_to_scan()
    {
        var scanner = Store.OpenScanner();
        scanner.Dispose();
        scanner.Dispose();

        Assert.Throws<ObjectDisposedException>(() => scanner.ScanForwards(null, ulong.MaxValue, 10, null, new Collector()));
    }

    [SkippableFact]
    public async Task the_scanner_maps_the_log_into_memory_and_gives_the_mapping_back_when_disposed()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "reads the process's mappings from /proc");
        var file = Store.Path;
        // Pages still in the WAL are read from it; the mapping is of the database file.
        await WaitUntilAsync(() => Store.Checkpointer.Checkpoints > 0);
        static bool Mapped(string path) => File.ReadLines("/proc/self/maps").Any(line => line.EndsWith(" " + path, StringComparison.Ordinal));
        Assert.False(Mapped(file));

        var scanner = Store.OpenScanner();
        scanner.ScanForwards(null, ulong.MaxValue, 1_000, null, new Collector());
        var mappedWhileOpen = Mapped(file);
        scanner.Dispose();

        Assert.True(mappedWhileOpen);
        Assert.False(Mapped(file));
    }

    [SkippableFact]
    public async Task a_follower_sees_each_commit_in_its_next_page_and_keeps_none_of_the_file_mapped()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "reads the process's mappings from /proc");
        await WaitUntilAsync(() => Store.Checkpointer.Checkpoints > 0);
        using var follower = Store.OpenFollower();
        var seen = new Collector();
        var end = follower.ScanForwards(null, ulong.MaxValue, 1_000, null, seen).LastScanned;

        var appended = await Store.AppendAsync($"{_prefix}-late", ExpectedRevision.NoStream, Events(3));

        var next = new Collector();
        follower.ScanForwards(end, ulong.MaxValue, 1_000, null, next);
        Assert.Equal(appended.Positions, next.Events.Select(e => e.Position));
        Assert.Equal(await ReadAllAsync(after: null, until: ulong.MaxValue, filter: null), seen.Events.Concat(next.Events));
        Assert.DoesNotContain(File.ReadLines("/proc/self/maps"), line => line.EndsWith(" " + Store.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task waiting_for_the_next_append_ends_at_the_next_commit_and_not_before()
    {
        await using var store = await SqliteEventStore.OpenAsync(Path.Combine(_folder, "quiet.db"), new SqliteEventStoreOptions { PollInterval = TimeSpan.FromMinutes(5) });
        await store.AppendAsync($"{_prefix}-first", ExpectedRevision.NoStream, Events(1));
        // The writer acknowledges a commit's appends, then wakes the waiters: let that wake-up pass first.
        await Task.Delay(100);

        var next = store.NextAppendAsync(CancellationToken.None);
        await Task.Delay(200);
        var waitedWhileQuiet = !next.IsCompleted;
        await store.AppendAsync($"{_prefix}-second", ExpectedRevision.NoStream, Events(1));

        Assert.True(waitedWhileQuiet);
        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task waiting_for_the_next_append_ends_with_its_token_and_with_the_store()
    {
        await using var store = await SqliteEventStore.OpenAsync(Path.Combine(_folder, "quiet.db"), new SqliteEventStoreOptions { PollInterval = TimeSpan.FromMinutes(5) });
        using var cancel = new CancellationTokenSource();
        var cancelled = store.NextAppendAsync(cancel.Token);
        var disposed = store.NextAppendAsync(CancellationToken.None);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(disposed.IsCompleted);
        await store.DisposeAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => disposed.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private List<Seen> ScanAll(ulong? after, ulong until, int pageSize, StreamFilter? filter, IEventLogScanner? scanner = null)
    {
        using var own = scanner is null ? Store.OpenScanner() : null;
        scanner ??= own!;
        var visitor = new Collector();
        while (true)
        {
            var page = scanner.ScanForwards(after, until, pageSize, filter, visitor);
            Assert.InRange(page.Scanned, 0, pageSize);
            if (page.Scanned < pageSize)
            {
                return visitor.Events;
            }
            Assert.True(page.LastScanned > after || after is null);
            after = page.LastScanned;
        }
    }

    private async Task<List<Seen>> ReadAllAsync(ulong? after, ulong until, StreamFilter? filter) =>
        [.. (await ToListAsync(Store.ReadAllAsync(ReadDirection.Forwards, after, filter: filter)))
            .Where(e => e.Position <= until)
            .Select(e => new Seen(e.Position, e.Stream, e.Type, Convert.ToHexString(e.Data.Span)))];

    /// <summary>One event as a visitor sees it, comparable by value.</summary>
    private sealed record Seen(ulong Position, string Stream, string Type, string DataHex);

    private sealed class Collector : IEventVisitor
    {
        public List<Seen> Events { get; } = [];

        public void Visit(ulong position, ReadOnlySpan<byte> stream, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data) =>
            Events.Add(new Seen(position, Encoding.UTF8.GetString(stream), Encoding.UTF8.GetString(type), Convert.ToHexString(data)));
    }

    private sealed class Failing(int after) : IEventVisitor
    {
        private int _seen;

        public void Visit(ulong position, ReadOnlySpan<byte> stream, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
        {
            if (++_seen > after)
            {
                throw new InvalidOperationException("The visitor gave up.");
            }
        }
    }
}
